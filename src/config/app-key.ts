/**
 * Where a config file holds its apps, so that a key is named as the file has it: a list (`apps: [...]`, PM2's older
 * `pm2: [...]`, or a bare array, named `apps`), one app object under a key (`apps: {...}`, `pm2: {...}`), or the whole
 * file as its one app (PM2's `process.json` of one app, with a `script`).
 */
export type AppsPlace =
  | { shape: 'list' | 'object'; key: 'apps' | 'pm2' }
  // `name` as the file has it: an app with none is still named after its script once read, which the file does not say.
  | { shape: 'file'; name?: string };

/** The place of a Hive config's apps, and of a PM2 file's `apps: [...]`. */
export const kAppsList: AppsPlace = { shape: 'list', key: 'apps' };

/**
 * App `index`'s `key` (a path under the app, such as `instances` or `env.PORT`) as the file has it:
 * `apps[1] (worker).instances` in a list, `apps.instances` in one object under `apps`, `(api).instances` (or
 * `instances` when the file gives it no name) in a file that is the app, its name then the place's. A file with no `apps`
 * list has no `apps[0]` to look for.
 */
export function appKey(place: AppsPlace | undefined, index: number, name: string | undefined, key: string): string {
  const at = place ?? kAppsList;
  if (at.shape === 'file') return at.name === undefined ? key : `(${at.name}).${key}`;
  if (at.shape === 'object') return `${at.key}.${key}`;
  return `${at.key}[${index}]${name === undefined ? '' : ` (${name})`}.${key}`;
}
