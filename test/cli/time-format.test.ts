import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { formatTime } from '../../dist/time-format.js';

// PM2's own dayjs (pm2 is a dev dependency): Hive's formatter must print what PM2's log_date_format prints.
const requirePm2 = createRequire(createRequire(import.meta.url).resolve('pm2'));
const dayjs = requirePm2('dayjs') as (date: Date) => { format(format: string): string };

test('formatTime prints what dayjs (PM2 log_date_format) prints, tokens, [text] and other characters alike', () => {
  const formats = [
    'YYYY-MM-DD HH:mm Z',
    'YYYY-MM-DDTHH:mm:ss',
    'YYYY-MM-DD-HH:mm:ss',
    'DD/MM/YY h:mm:ss.SSS A a ZZ',
    'dddd ddd dd d, MMMM MMM M D H hh m s',
    '[at] HH [o\u2019clock] [] Q X x W w S SS',
    'Y YYY YYYYY MMMMM ddddd HHH',
    'no tokens here: é & ü!',
  ];
  // Midnight, morning and afternoon, single and double digits, the first and last day of a year.
  const dates = [
    new Date(2026, 0, 2, 3, 4, 5, 6),
    new Date(2026, 10, 30, 14, 5, 9, 120),
    new Date(1999, 11, 31, 23, 59, 59, 999),
    new Date(2030, 5, 15, 0, 0, 0, 0),
    new Date(2025, 6, 6, 12, 30, 0, 50),
  ];
  for (const date of dates) {
    for (const format of formats) assert.equal(formatTime(date, format), dayjs(date).format(format), format);
  }
});
