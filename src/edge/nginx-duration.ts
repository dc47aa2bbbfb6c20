/**
 * nginx's time syntax (ngx_parse_time): `30s`, `500ms`, `1h30m`, `1d`, `2w`, `1h 30m`, a bare number of seconds. Parsed
 * here so that the edge options take what nginx takes, and rendered back in one plain unit.
 */

// Largest first, as nginx wants them: each unit at most once, in this order. `y` and `M` only where nginx reads whole
// seconds (fail_timeout, expires): its millisecond directives (the proxy timeouts, keepalive_timeout) refuse them.
const kUnits = [
  ['y', 365 * 86_400_000],
  ['M', 30 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;
// A bare number after other parts (`1h30`) is seconds to nginx; alone it is seconds too.
const kPart = /(\d+)(ms|y|M|w|d|h|m|s)?\s*/y;

/** The most any duration here may be: 999,999,999 seconds, far inside what nginx's parsers take. */
export const kMaxDurationMs = 999_999_999_000;

/** Which of nginx's two readings: milliseconds (proxy timeouts) or whole seconds (fail_timeout, expires). */
export type DurationKind = 'ms' | 'seconds';

/**
 * An nginx duration in milliseconds, or undefined when nginx would refuse it (or it is over {@link kMaxDurationMs}).
 */
export function parseNginxDuration(text: string, kind: DurationKind = 'ms'): number | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  let total = 0;
  let last = -1;
  kPart.lastIndex = 0;
  while (kPart.lastIndex < value.length) {
    const start = kPart.lastIndex;
    const match = kPart.exec(value);
    if (match === null || match.index !== start) return undefined;
    const unit = match[2] ?? 's';
    // nginx refuses a bare number after seconds (or ms), and in ms mode it never reads one as anything but the last.
    if (match[2] === undefined && kPart.lastIndex < value.length) return undefined;
    const index = kUnits.findIndex(([name]) => name === unit);
    if (index <= last || (kind === 'ms' && index < 2) || (kind === 'seconds' && unit === 'ms')) return undefined;
    last = index;
    total += Number(match[1]) * kUnits[index]![1];
  }
  return total <= kMaxDurationMs ? total : undefined;
}

const kSimple = /^\d+(ms|s|m|h|d)?$/;

/**
 * The duration as the config writes it: a value in one of the units every nginx reads (`500ms`, `30s`, `1m`, `1h`,
 * `1d`, a bare number) is kept as written; another (`1h30m`, `2w`, `1h 30m`) becomes the largest unit it is a whole
 * number of (`90m`, `14d`), which needs no quotes and reads the same to a person and to `durationMs`.
 */
export function normaliseNginxDuration(text: string, ms: number): string {
  const value = text.trim();
  if (kSimple.test(value)) return value;
  if (ms === 0) return '0s';
  for (const [unit, size] of kUnits.slice(3)) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
