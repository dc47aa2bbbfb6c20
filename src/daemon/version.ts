import { readFileSync } from 'node:fs';

/** This copy of Hive's version (package.json), sent with every control message. */
export const hiveVersion: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Whether Hive version `a` comes after `b` by their release numbers (major.minor.patch; a pre-release tag is not
 * compared): a daemon newer than the CLI is a PATH mix-up (an older global hive, an npx of another version), which
 * `hive update` would turn into a downgrade.
 */
export function isNewerVersion(a: string, b: string): boolean {
  const parts = (version: string) =>
    version
      .split(/[-+]/)[0]!
      .split('.')
      .map((part) => Number(part) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}
