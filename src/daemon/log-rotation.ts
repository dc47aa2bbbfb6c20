import { HiveError } from '../errors.js';

/**
 * How the daemon rotates the app log files it writes (rotating-file-stream's options), set for the whole daemon as
 * pm2-logrotate's settings are for PM2's: `HIVE_LOG_*` variables of the environment the daemon starts in.
 */
export interface LogRotation {
  /** rotating-file-stream's `size`: `10M`, `500K`, `1G`, `4096B`. */
  size: string;
  /** Rotated files kept (rotating-file-stream's `maxFiles`). */
  maxFiles: number;
  /** Rotated files gzipped (`<name>.gz`). */
  compress: boolean;
  /** rotating-file-stream's `interval` (`1d`: at every midnight), or none: by size only. */
  interval: string | undefined;
}

export const DEFAULT_LOG_ROTATION: LogRotation = { size: '10M', maxFiles: 5, compress: false, interval: undefined };

/** The variables, by setting (docs/cli.md's "Replacing pm2-logrotate"). */
export const LOG_ROTATION_ENV = {
  size: 'HIVE_LOG_MAX_SIZE',
  maxFiles: 'HIVE_LOG_RETAIN',
  compress: 'HIVE_LOG_COMPRESS',
  interval: 'HIVE_LOG_ROTATE_INTERVAL',
} as const;

/** A `HIVE_LOG_*` rotation setting has a value the daemon cannot use; the message names the variable. */
export class LogRotationError extends HiveError {
  constructor(message: string) {
    super('ERR_HIVE_LOG_ROTATION', message);
  }
}

// pm2-logrotate's `rotateInterval` is a cron line; the ones that are a rotating-file-stream interval are taken too.
// (`weekly` is every seven days from the midnight a file was opened: rotating-file-stream has no weekday.)
const NAMED_INTERVALS: Record<string, string> = {
  hourly: '1h',
  daily: '1d',
  weekly: '7d',
  monthly: '1M',
  '0 * * * *': '1h',
  '0 0 * * *': '1d',
  '0 0 1 * *': '1M',
};

/** Reads and checks the `HIVE_LOG_*` settings; unset or empty ones keep their defaults. */
export function logRotationFromEnv(env: NodeJS.ProcessEnv = process.env): LogRotation {
  const rotation: LogRotation = { ...DEFAULT_LOG_ROTATION };
  for (const key of Object.keys(LOG_ROTATION_ENV) as (keyof LogRotation)[]) {
    const name = LOG_ROTATION_ENV[key];
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    Object.assign(rotation, { [key]: parseRotationSetting(key, raw, name) });
  }
  return rotation;
}

/** An app's own settings (its config's `logRotation`), over the daemon's: checked as the variables are. */
export interface AppLogRotationConfig {
  maxSize?: string | number;
  retain?: number;
  compress?: boolean;
  interval?: string;
}

/** An app config's `logRotation` as rotating-file-stream's options; a bad value throws, naming `logRotation.<key>`. */
export function appLogRotation(config: AppLogRotationConfig): Partial<LogRotation> {
  const rotation: Partial<LogRotation> = {};
  const keys = { maxSize: 'size', retain: 'maxFiles', compress: 'compress', interval: 'interval' } as const;
  for (const [own, key] of Object.entries(keys) as [keyof AppLogRotationConfig, keyof LogRotation][]) {
    const value = config[own];
    if (value === undefined) continue;
    Object.assign(rotation, { [key]: parseRotationSetting(key, String(value), `logRotation.${own}`) });
  }
  return rotation;
}

/** One setting from its text (`10M`, `5`, `true`, `daily`); a bad one throws LogRotationError naming `name`. */
export function parseRotationSetting<K extends keyof LogRotation>(key: K, raw: string, name: string): LogRotation[K] {
  const bad = (expected: string): never => {
    throw new LogRotationError(`Expected ${name} to be ${expected}, got ${JSON.stringify(raw)}`);
  };
  switch (key) {
    case 'size': {
      // pm2-logrotate's max_size: `10M`, `10K`, `10G`, or bytes.
      const match = /^([1-9][0-9]{0,11})([BKMG]?)$/i.exec(raw);
      if (!match) return bad('a size such as 10M, 500K, 1G or a number of bytes');
      return `${match[1]}${(match[2] || 'B').toUpperCase()}` as LogRotation[K];
    }
    case 'maxFiles':
      if (!/^[1-9][0-9]{0,5}$/.test(raw)) return bad('a whole number of files from 1 to 999999');
      return Number(raw) as LogRotation[K];
    case 'compress':
      if (raw !== 'true' && raw !== 'false') return bad('true or false');
      return (raw === 'true') as LogRotation[K];
    default:
      return (NAMED_INTERVALS[raw] ?? checkInterval(raw, bad)) as LogRotation[K];
  }
}

// rotating-file-stream's own rules, checked here so that a bad value is refused up front and named, not when a file
// is opened: seconds and minutes a divider of 60, hours of 24.
function checkInterval(interval: string, bad: (expected: string) => never): string {
  const expected =
    'daily, hourly, weekly, monthly, a cron line among "0 0 * * *", "0 * * * *", "0 0 1 * *", or <n> and a unit: s or m (n divides 60), h (n divides 24), d or M';
  const match = /^([1-9][0-9]{0,3})([smhdM])$/.exec(interval);
  if (!match) return bad(expected);
  const n = Number(match[1]);
  const unit = match[2];
  if ((unit === 's' || unit === 'm') && 60 % n !== 0) return bad(expected);
  if (unit === 'h' && 24 % n !== 0) return bad(expected);
  return interval;
}

let daemonRotation: LogRotation | undefined;

/** This process's settings (the daemon's), read once: they hold for its life, as its environment does. */
export function daemonLogRotation(): LogRotation {
  daemonRotation ??= logRotationFromEnv();
  return daemonRotation;
}
