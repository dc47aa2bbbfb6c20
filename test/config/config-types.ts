// Compile-time test of the exported config types, run by `npm run lint` (tsc -p tsconfig.test.json); not a runtime
// test. Each `@ts-expect-error` fails the compile when the line it marks type-checks: the types must refuse what
// loading refuses, and accept what it accepts.
import { type AppConfig, defineConfig, type HiveConfig } from '../../src/config/index.js';

export const valid = defineConfig({
  apps: [
    {
      name: 'api',
      script: 'server.js',
      instances: 'max',
      port: 3000,
      sticky: 'cookie:sid',
      maxMemoryRestart: '300M',
      killTimeout: '3s',
      env: { NODE_ENV: 'development', WORKERS: 2, DEBUG: false },
      env_production: { NODE_ENV: 'production' },
    },
    { name: 'count', script: 'a.js', instances: 4 },
    { name: 'string-count', script: 'a.js', instances: '4', sticky: 'ip', port: 3001 },
    { name: 'all-but-one', script: 'a.js', instances: -1, sticky: 'header:x-user', port: 3002 },
  ],
});

export const starter = {
  apps: [{ name: 'api', script: 'server.js', instances: 'max', env_staging: { LOG: 'debug' } }],
} satisfies HiveConfig;

export const words: AppConfig = {
  name: 'api',
  script: 'server.js',
  // @ts-expect-error: a count is a number, 'max' or -1
  instances: 'lots',
};

export const unknownKey = defineConfig({
  // @ts-expect-error: an unknown key is refused at load, never ignored
  apps: [{ name: 'api', script: 'server.js', instancez: 2 }],
});

export const badOverride: AppConfig = {
  name: 'api',
  script: 'server.js',
  // @ts-expect-error: env_<name> holds env vars
  env_production: 'production',
};

export const badSticky: AppConfig = {
  name: 'api',
  script: 'server.js',
  port: 3000,
  // @ts-expect-error: sticky is ip, header:<name> or cookie:<name>
  sticky: 'session',
};

export const noApps: HiveConfig = {
  // @ts-expect-error: every app needs a script
  apps: [{ name: 'api' }],
};

// Sizes, durations and socket modes: every form their parsers (src/cluster/units.ts, parseSocketMode) accept.
export const unitForms = defineConfig({
  apps: [
    ...(
      [
        ...['300M', '300m', '1G', '1g', '512K', '512k', '300MB', '300mb', '300Mb', '300mB'],
        ...['1.5G', '300 M', ' 300M', '1024', '1024B', '1024b', '2.5 kb'],
      ] as const
    ).map((maxMemoryRestart) => ({ name: 'size', script: 'a.js', maxMemoryRestart })),
    { name: 'bytes', script: 'a.js', maxMemoryRestart: 4096 },
    ...(['500ms', '5s', '1m', '1h', '1.5s', '250', '5 s', '10 ms', ' 5s'] as const).map((killTimeout) => ({
      name: 'duration',
      script: 'a.js',
      killTimeout,
      listenTimeout: killTimeout,
      minUptime: killTimeout,
      restartDelay: killTimeout,
      expBackoffRestartDelay: killTimeout,
    })),
    { name: 'ms', script: 'a.js', killTimeout: 5000 },
    ...(['660', '666', '0660', '0o600', '777', '000'] as const).map((socketMode) => ({
      name: 'mode',
      script: 'a.js',
      socket: '/tmp/a.sock',
      socketMode,
    })),
    { name: 'mode-number', script: 'a.js', socket: '/tmp/a.sock', socketMode: 0o660 },
    // A cron expression stays a plain string (croner's syntax is too open for a template type): checked at load.
    { name: 'cron', script: 'a.js', cronRestart: '0 3 * * *' },
  ],
});

export const badSizes: AppConfig[] = [
  // @ts-expect-error: not a size unit
  { name: 'a', script: 'a.js', maxMemoryRestart: '300 lots' },
  // @ts-expect-error: binary units are K, M and G (an optional B), not KiB
  { name: 'a', script: 'a.js', maxMemoryRestart: '512KiB' },
  // @ts-expect-error: no T
  { name: 'a', script: 'a.js', maxMemoryRestart: '1T' },
  // @ts-expect-error: a unit needs a number
  { name: 'a', script: 'a.js', maxMemoryRestart: 'M' },
  // @ts-expect-error: not spelt out
  { name: 'a', script: 'a.js', maxMemoryRestart: '300 megabytes' },
  // @ts-expect-error: empty
  { name: 'a', script: 'a.js', maxMemoryRestart: '' },
];

export const badDurations: AppConfig[] = [
  // @ts-expect-error: duration units are lowercase
  { name: 'a', script: 'a.js', killTimeout: '5S' },
  // @ts-expect-error: ms, s, m or h only
  { name: 'a', script: 'a.js', killTimeout: '5 sec' },
  // @ts-expect-error: no days
  { name: 'a', script: 'a.js', minUptime: '1d' },
  // @ts-expect-error: not min
  { name: 'a', script: 'a.js', restartDelay: '2min' },
  // @ts-expect-error: a unit needs a number
  { name: 'a', script: 'a.js', listenTimeout: 's' },
  // @ts-expect-error: a size is not a duration
  { name: 'a', script: 'a.js', expBackoffRestartDelay: '100M' },
];

export const badSocketModes: AppConfig[] = [
  // @ts-expect-error: octal digits only
  { name: 'a', script: 'a.js', socket: '/tmp/a.sock', socketMode: '668' },
  // @ts-expect-error: three digits
  { name: 'a', script: 'a.js', socket: '/tmp/a.sock', socketMode: '6600' },
  // @ts-expect-error: not symbolic
  { name: 'a', script: 'a.js', socket: '/tmp/a.sock', socketMode: 'rw-rw----' },
];

// PM2's namespace, autostart, filter_env, append_env_to_name and watch_delay, under their camelCase names.
export const pm2Parity = defineConfig({
  apps: [
    {
      name: 'jobs',
      script: 'jobs.js',
      namespace: 'batch',
      autostart: false,
      filterEnv: ['AWS_', 'SECRET'],
      appendEnvToName: true,
      watch: ['src'],
      watchDelay: '2s',
    },
    { name: 'web', script: 'web.js', filterEnv: true, watchDelay: 1000 },
  ],
});

export const badWatchDelay: AppConfig = {
  name: 'api',
  script: 'server.js',
  // @ts-expect-error: watchDelay is a duration
  watchDelay: 'soon',
};
