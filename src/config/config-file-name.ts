import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';

// Apart from load-config.ts, which loads yaml and zod (about 150 ms): `hive start app.js` only needs to know that
// app.js is not a config file.

/** Names looked for by {@link findConfigFile}, in order. */
export const configFileNames = [
  'hive.config.ts',
  'hive.config.mts',
  'hive.config.js',
  'hive.config.mjs',
  'hive.config.json',
  'hive.config.yaml',
  'hive.config.yml',
  'ecosystem.config.js',
  'ecosystem.config.cjs',
  'ecosystem.config.mjs',
  'ecosystem.config.json',
  'ecosystem.config.yaml',
  'ecosystem.config.yml',
];

/** The first config file present in `dir`, or undefined. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  return configFileNames.map((name) => join(dir, name)).find((path) => existsSync(path));
}

/** Whether a path looks like a config file (so `hive start <path>` loads it rather than running it as a script). */
export function isConfigFile(path: string): boolean {
  const name = basename(path);
  return /^(hive\.config|ecosystem(\.config)?)\.(ts|mts|js|cjs|mjs|json|ya?ml)$/.test(name);
}
