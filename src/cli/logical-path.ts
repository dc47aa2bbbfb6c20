import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * `path` made absolute against the shell's working directory as the user sees it ($PWD, as `pwd` prints it), not the
 * resolved one process.cwd() gives: after `cd /srv/app/current`, a symlink a deploy moves to each new release, a
 * config file is /srv/app/current/ecosystem.config.js at every deploy, not /srv/app/releases/<n>/... (an app's origin,
 * see daemon/app-origin.ts). $PWD counts only while it still names process.cwd().
 */
export function logicalPath(path: string, pwd: string | undefined = process.env.PWD): string {
  if (isAbsolute(path) || pwd === undefined || !isAbsolute(pwd)) return resolve(path);
  try {
    if (realpathSync(pwd) === process.cwd()) return resolve(pwd, path);
  } catch {}
  return resolve(path);
}
