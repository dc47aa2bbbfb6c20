/** PM2's default for `pm2 logs --timestamp` (dayjs's tokens). */
export const DEFAULT_TIME_FORMAT = 'YYYY-MM-DD-HH:mm:ss';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function offset(date: Date, separator: string): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${separator}${pad(abs % 60)}`;
}

// dayjs's default locale, `en`: PM2 loads no other.
const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const hour12 = (d: Date) => d.getHours() % 12 || 12;

const tokens: Record<string, (date: Date) => string> = {
  YYYY: (d) => pad(d.getFullYear(), 4),
  YY: (d) => String(d.getFullYear()).slice(-2),
  MMMM: (d) => months[d.getMonth()]!,
  MMM: (d) => months[d.getMonth()]!.slice(0, 3),
  MM: (d) => pad(d.getMonth() + 1),
  M: (d) => String(d.getMonth() + 1),
  DD: (d) => pad(d.getDate()),
  D: (d) => String(d.getDate()),
  dddd: (d) => weekdays[d.getDay()]!,
  ddd: (d) => weekdays[d.getDay()]!.slice(0, 3),
  dd: (d) => weekdays[d.getDay()]!.slice(0, 2),
  d: (d) => String(d.getDay()),
  HH: (d) => pad(d.getHours()),
  H: (d) => String(d.getHours()),
  hh: (d) => pad(hour12(d)),
  h: (d) => String(hour12(d)),
  A: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  a: (d) => (d.getHours() < 12 ? 'am' : 'pm'),
  mm: (d) => pad(d.getMinutes()),
  m: (d) => String(d.getMinutes()),
  ss: (d) => pad(d.getSeconds()),
  s: (d) => String(d.getSeconds()),
  SSS: (d) => pad(d.getMilliseconds(), 3),
  ZZ: (d) => offset(d, ''),
  Z: (d) => offset(d, ':'),
};
// dayjs's own pattern (REGEX_FORMAT of dayjs 1.11), so that a format splits into the same tokens: `YYYY` is never two
// `YY`, `MMM` never `MM` and `M`.
const pattern = /\[([^\]]+)]|Y{1,4}|M{1,4}|D{1,2}|d{1,4}|H{1,2}|h{1,2}|a|A|m{1,2}|s{1,2}|Z{1,2}|SSS/g;

/**
 * `date` in local time after a dayjs format, as PM2 formats `log_date_format` and `pm2 logs --timestamp <format>`:
 * dayjs's core tokens (English names, as PM2 loads no locale), `[text]` kept as is, any other character too. `Y` and
 * `YYY`, which dayjs's pattern takes but no token is, give what dayjs gives them: the offset without a colon.
 */
export function formatTime(date: Date, format: string): string {
  return format.replace(pattern, (match, literal: string | undefined) =>
    literal !== undefined ? literal : (tokens[match] ?? tokens.ZZ!)(date),
  );
}
