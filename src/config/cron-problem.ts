import { Cron } from 'croner';

// The fields of a cron expression by how many it has, as croner reads them; a nickname (`@daily`) has one.
const FIELDS: Record<number, readonly string[]> = {
  5: ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'],
  6: ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'],
  7: ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week', 'year'],
};

// What each field takes: croner's own words for a value out of range name another one (`32` in the day of the month
// is "Invalid value for day: 31").
const RANGES: Record<string, string> = {
  second: '0-59',
  minute: '0-59',
  hour: '0-23',
  'day-of-month': '1-31',
  month: '1-12 or JAN-DEC',
  'day-of-week': '0-7 or SUN-SAT',
};

/**
 * What is wrong with a cron schedule (`hive start --cron-restart`, a config's `cronRestart`), said the one way for
 * both: the value, and the field at fault or why none could be read; a schedule that is never due (`0 0 31 2 *`, the
 * daemon's timer would never fire) too. Undefined when it is good. Options as the daemon schedules it (managed-app.ts).
 */
export function cronProblem(pattern: string): string | undefined {
  const reason = cronReason(pattern);
  return reason === undefined
    ? undefined
    : `expected a cron expression like "0 3 * * *", got ${JSON.stringify(pattern)} (${reason})`;
}

function cronReason(pattern: string): string | undefined {
  const refusal = croner(pattern);
  if (refusal === undefined) return undefined;
  if (refusal === 'never') return 'it is never due: no date matches it (February 31, a year gone by)';
  const fields = pattern.trim().split(/\s+/);
  const names = FIELDS[fields.length];
  if (!names) {
    if (fields.length === 1 && pattern.trim().startsWith('@')) {
      return 'not a known nickname: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly';
    }
    return `${fields.length} field${fields.length === 1 ? '' : 's'}; it takes 5 (minute hour day-of-month month day-of-week), 6 (a second first) or 7 (a year last)`;
  }
  // The field at fault is one that croner refuses alone, every other field `*`.
  for (const [i, field] of fields.entries()) {
    const alone = croner(fields.map((other, j) => (j === i ? other : '*')).join(' '));
    if (alone === undefined || alone === 'never') continue;
    const name = names[i]!;
    const why = /^invalid value for/i.test(alone) && RANGES[name] ? `out of range ${RANGES[name]}` : alone;
    return `${name} field ${JSON.stringify(field)}: ${why}`;
  }
  return refusal;
}

// croner's refusal of `pattern` (its words, without its prefix), 'never' when it is never due, or undefined.
function croner(pattern: string): string | undefined {
  try {
    const cron = new Cron(pattern, { paused: true });
    const next = cron.nextRun();
    cron.stop();
    return next === null ? 'never' : undefined;
  } catch (error) {
    return (error as Error).message
      .replace(/^CronPattern: /, '')
      .replace(/^Syntax error, /, '')
      .replace(/\.$/, '');
  }
}
