import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';

// Apart from load-config.ts, which loads yaml and zod (about 150 ms): `hive start app.js` only needs to know that
// app.js is not a config file.

/** Names looked for by {@link findConfigFile}, in order. */
export const configFileNames = [
  'hive.config.ts',
  'hive.config.mts',
  'hive.config.cts',
  'hive.config.js',
  'hive.config.mjs',
  'hive.config.json',
  'hive.config.yaml',
  'hive.config.yml',
  'ecosystem.config.js',
  'ecosystem.config.cjs',
  'ecosystem.config.mjs',
  'ecosystem.config.ts',
  'ecosystem.config.mts',
  'ecosystem.config.cts',
  'ecosystem.config.json',
  'ecosystem.config.yaml',
  'ecosystem.config.yml',
  // The names `pm2 start` alone looks for besides (Common.getConfigFileCandidates('ecosystem')).
  'ecosystem.json',
  'ecosystem.yml',
  'ecosystem.yaml',
];

/** The first config file present in `dir`, or undefined. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  return configFileNames.map((name) => join(dir, name)).find((path) => existsSync(path));
}

/**
 * Whether `hive start <path>` loads the path as a config file rather than running it as a script, by PM2's rule
 * (its Common.isConfigFile): `hive.config.*` and `ecosystem.*`, any `*.config.js|cjs|mjs` (`prod.config.js`), and any
 * `.json`, `.yaml` or `.yml` file (`apps.json`, `process.yml`); one of those without an `apps` list is a config error,
 * never a script. Any other `.js` is a script. PM2 loads no TypeScript, Hive does: `.ts`, `.mts` and `.cts` go with
 * `.js`, `.mjs` and `.cjs` in every name (`prod.config.ts` was run as a cluster app and errored, "did not listen").
 */
export function isConfigFile(path: string): boolean {
  const name = basename(path);
  return (
    /^(hive\.config|ecosystem(\.config)?)\.(ts|mts|cts|js|cjs|mjs|json|ya?ml)$/.test(name) ||
    /.\.config\.(c|m)?(js|ts)$/.test(name) ||
    /.\.(json|ya?ml)$/.test(name)
  );
}

/**
 * Which keys a config file is written with: camelCase in `hive.config.*`, PM2's snake_case (translated) in any other
 * (`ecosystem.config.js`, `prod.config.js`, `apps.json`), as PM2 reads those files.
 */
export function configFormat(path: string): 'hive' | 'pm2' {
  return basename(path).startsWith('hive.config.') ? 'hive' : 'pm2';
}
