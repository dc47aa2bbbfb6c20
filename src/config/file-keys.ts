import { closestName } from '../closest-name.js';
import { configSchema } from './app-schema.js';

/**
 * The words for keys a config file holds beside its apps that no format knows (`{ apps: [...], extra: 1 }`): what the
 * file may hold, and the key meant when one is close (`edg`: `edge`), as for an app's keys. It was "unknown key extra",
 * which named neither.
 */

/** The keys a config file itself may hold: the schema's, and in a PM2 file its `deploy` section and older `pm2`. */
export function fileKeys(format: 'hive' | 'pm2'): string[] {
  const keys = Object.keys(configSchema.shape);
  return format === 'hive' ? keys : [...keys, 'deploy', 'pm2'];
}

/** What a config file of `format` may hold, said in full. */
function holds(format: 'hive' | 'pm2'): string {
  const keys = fileKeys(format)
    .filter((key) => key !== 'pm2')
    .sort()
    .map((key) => (key === 'apps' && format === 'pm2' ? '`apps` (or its older name `pm2`)' : `\`${key}\``));
  const file = format === 'hive' ? 'a Hive config file' : 'a PM2 file';
  return `${file} holds only ${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;
}

function meant(key: string, format: 'hive' | 'pm2'): string | undefined {
  return closestName(key, fileKeys(format));
}

/** `key` named, with the key it likely meant: "`edg` (did you mean `edge`?)". */
function named(key: string, format: 'hive' | 'pm2'): string {
  const hint = meant(key, format);
  return `\`${key}\`${hint === undefined ? '' : ` (did you mean \`${hint}\`?)`}`;
}

/** `keys` (unknown, in the file's order) as the error of the first: its key and message. */
export function unknownFileKeys(keys: readonly string[], format: 'hive' | 'pm2'): { key: string; message: string } {
  const [first, ...rest] = keys as [string, ...string[]];
  const hint = meant(first, format);
  return {
    key: first,
    message:
      `unknown key: ${holds(format)}${hint === undefined ? '' : `; did you mean \`${hint}\`?`}` +
      (rest.length === 0 ? '' : `; unknown too: ${rest.map((key) => named(key, format)).join(', ')}`),
  };
}

/** The same, said after another error of the file (`apps: expected at least one app`), so that both are named. */
export function unknownFileKeysToo(keys: readonly string[], format: 'hive' | 'pm2'): string {
  const list = keys.map((key) => named(key, format)).join(', ');
  return `; and ${list}: unknown ${keys.length === 1 ? 'key' : 'keys'} too: ${holds(format)}`;
}

/** `; did you mean \`apps\`?` for a file with no `apps` list but a key close to it (`aps`, `app`), else ''. */
export function appsKeyHint(content: unknown): string {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return '';
  const typo = Object.keys(content).find((key) => closestName(key, ['apps']) !== undefined);
  return typo === undefined ? '' : `; did you mean \`apps\` for \`${typo}\`?`;
}
