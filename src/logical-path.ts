import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * The working directory as the user sees it ($PWD, as `pwd` prints it), not the resolved one process.cwd() gives:
 * after `cd /srv/app/current`, a symlink a deploy moves to each new release, it is /srv/app/current at every deploy,
 * not /srv/app/releases/<n>. A process started there (an app's worker, at a reload) then runs the release the link
 * names at that moment, as PM2's do. $PWD counts only while it still names process.cwd().
 */
export function logicalCwd(pwd: string | undefined = process.env.PWD): string {
  const cwd = process.cwd();
  if (pwd === undefined || !isAbsolute(pwd) || pwd === cwd) return cwd;
  try {
    if (realpathSync(pwd) === cwd) return resolve(pwd);
  } catch {}
  return cwd;
}

/**
 * `path` made absolute against {@link logicalCwd}: a config file is /srv/app/current/ecosystem.config.js at every
 * deploy, not /srv/app/releases/<n>/... (an app's origin, see daemon/app-origin.ts).
 */
export function logicalPath(path: string, pwd: string | undefined = process.env.PWD): string {
  return resolve(logicalCwd(pwd), path);
}
