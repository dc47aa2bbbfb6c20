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
