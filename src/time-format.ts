/** PM2's default for `pm2 logs --timestamp` (dayjs's tokens). */
export const DEFAULT_TIME_FORMAT = 'YYYY-MM-DD-HH:mm:ss';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function offset(date: Date, separator: string): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${separator}${pad(abs % 60)}`;
}

const tokens: Record<string, (date: Date) => string> = {
  YYYY: (d) => pad(d.getFullYear(), 4),
  YY: (d) => pad(d.getFullYear() % 100),
  MM: (d) => pad(d.getMonth() + 1),
  M: (d) => String(d.getMonth() + 1),
  DD: (d) => pad(d.getDate()),
  D: (d) => String(d.getDate()),
  HH: (d) => pad(d.getHours()),
  H: (d) => String(d.getHours()),
  mm: (d) => pad(d.getMinutes()),
  m: (d) => String(d.getMinutes()),
  ss: (d) => pad(d.getSeconds()),
  s: (d) => String(d.getSeconds()),
  SSS: (d) => pad(d.getMilliseconds(), 3),
  ZZ: (d) => offset(d, ''),
  Z: (d) => offset(d, ':'),
};
// Longest first, so that `YYYY` is not read as two `YY`, nor `MM` as two `M`.
const pattern = /\[([^\]]*)\]|YYYY|YY|MM|M|DD|D|HH|H|mm|m|ss|s|SSS|ZZ|Z/g;

/**
 * `date` in local time after a dayjs format, the one PM2's `--timestamp <format>` takes: the tokens above (the ones a
 * log time uses; no names of months or days), `[text]` kept as is, any other character too (as dayjs does).
 */
export function formatTime(date: Date, format: string): string {
  return format.replace(pattern, (match, literal: string | undefined) =>
    literal !== undefined ? literal : tokens[match]!(date),
  );
}
