import { isAbsolute, resolve } from 'node:path';

/**
 * A log target with a relative file made absolute from `base`; nginx's `off`, `stderr` and `syslog:server=...` are
 * no files and stay as written (an empty value too, for the schema to refuse).
 */
export function logPath(log: string, base: string): string {
  const keyword = log === '' || log === 'off' || log === 'stderr' || log.startsWith('syslog:');
  return keyword || isAbsolute(log) ? log : resolve(base, log);
}
