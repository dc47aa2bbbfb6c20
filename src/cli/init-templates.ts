/**
 * The starter config files `hive init` writes. Kept short and commented: a first file to edit, not a reference
 * (docs/config.md is). The script is `server.js`, the port commented out: the file starts as soon as the script is
 * there, and never on a port the user did not choose.
 */

// A type-only import: erased when the file loads, so it loads wherever Hive runs (a global install included), and it
// types the file for editors where Hive is a dependency of the project. A project's own `tsc --noEmit` cannot resolve
// it against a global install: the template says so where the user reads it.
export const hiveTemplate = `// The apps \`hive start hive.config.ts\` runs; every key is in Hive's docs/config.md.
// Types the file where Hive is a dependency of the project; with only a global Hive, \`tsc\` cannot find 'hive/config'
// (the file still runs): \`npm i -D hive\`, or drop this line and \`satisfies HiveConfig\`.
import type { HiveConfig } from 'hive/config';

export default {
  apps: [
    {
      name: 'api',
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
): string => `// The apps \`hive start ${file}\` (or \`pm2 start ${file}\`) runs: PM2's keys, which Hive
// translates (Hive's docs/config.md lists them). CommonJS, hence .cjs in a package of "type": "module".
module.exports = {
  apps: [
    {
      name: 'api',
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
