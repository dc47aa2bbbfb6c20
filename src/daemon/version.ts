import { readFileSync } from 'node:fs';

/** This copy of Hive's version (package.json), sent with every control message. */
export const hiveVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
