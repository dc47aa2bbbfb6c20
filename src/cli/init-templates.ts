/**
 * The starter config files `hive init` writes. Kept short and commented: a first file to edit, not a reference
 * (docs/config.md is). The script is `server.js`, the port commented out: the file starts as soon as the script is
 * there, and never on a port the user did not choose.
 */
import { basename } from 'node:path';
import { nearestPackageJson } from '../nearest-package-json.js';

/**
 * The starter's app name: the project's package name (its scope dropped), else its folder's, made a name the daemon
 * and `hive edge` both take (letters, digits, "_" and "-", a letter first); `api` where neither gives one. Every
 * starter named `api` made a second project's `hive start` take over the first's app (one name, one app per daemon).
 */
export function starterAppName(dir: string): string {
  let packageName: unknown;
  try {
    packageName = (JSON.parse(nearestPackageJson(dir) ?? '{}') as { name?: unknown }).name;
  } catch {}
  const candidates = [typeof packageName === 'string' ? packageName.replace(/^@[^/]*\//, '') : '', basename(dir)];
  for (const candidate of candidates) {
    const name = candidate
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^[^A-Za-z]+/, '')
      .slice(0, 63)
      .replace(/[-_]+$/, '');
    if (name !== '' && name !== 'all') return name;
  }
  return 'api';
}

// A type-only import: erased when the file loads, so it loads wherever Hive runs (a global install included), and it
// types the file for editors where Hive is a dependency of the project. A project's own `tsc --noEmit` cannot resolve
// it against a global install: the template says so where the user reads it.
export const hiveTemplate = (
  name: string,
): string => `// The apps \`hive start hive.config.ts\` runs; every key is in Hive's docs/config.md.
// Types the file where Hive is a dependency of the project; with only a global Hive, \`tsc\` cannot find 'hive/config'
// (the file still runs): \`npm i -D hive\`, or drop this line and \`satisfies HiveConfig\`.
import type { HiveConfig } from 'hive/config';

export default {
  apps: [
    {
      name: '${name}',
      // The entry script, relative to this file's folder: JavaScript, or TypeScript as it is.
      script: 'server.js',
      // Processes sharing the port: a number, 'max' (one per core) or -1 (one per core but one).
      instances: 'max',
      // The app's port, given to it as PORT.
      // port: 3000,
      // A process whose memory grows over this is replaced, without downtime.
      maxMemoryRestart: '300M',
      env: { NODE_ENV: 'development' },
      // Picked with \`hive start hive.config.ts --env production\`.
      env_production: { NODE_ENV: 'production' },
      // Rolling reload when a file of this folder changes (node_modules is ignored).
      // watch: true,
    },
  ],
} satisfies HiveConfig;
`;

// PM2's shape (CommonJS, snake_case keys), so that the same file also runs under PM2.
export const pm2Template = (
  file: string,
  name: string,
): string => `// The apps \`hive start ${file}\` (or \`pm2 start ${file}\`) runs: PM2's keys, which Hive
// translates (Hive's docs/config.md lists them). CommonJS, hence .cjs in a package of "type": "module".
module.exports = {
  apps: [
    {
      name: '${name}',
      // The entry script, relative to this file's folder.
      script: 'server.js',
      // Processes sharing the port: a number, 'max' (one per core) or -1 (one per core but one).
      instances: 'max',
      exec_mode: 'cluster',
      // The app's port, given to it as PORT (by PM2 too, which sets it in env).
      // port: 3000,
      // A process whose memory grows over this is replaced.
      max_memory_restart: '300M',
      env: { NODE_ENV: 'development' },
      // Picked with \`hive start ${file} --env production\`.
      env_production: { NODE_ENV: 'production' },
      // Reload (under PM2, restart) when a file of this folder changes (node_modules is ignored).
      // watch: true,
    },
  ],
};
`;
