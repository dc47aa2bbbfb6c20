import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveInstances } from '../cluster/instances.js';
import { instanceLogPath } from './instance-log-path.js';
import type { AppSpec } from './protocol.js';

/**
 * The warnings a start deserves for the app's own log paths (`outFile`, `errorFile`, `logFile`) the daemon cannot
 * write, each naming the key and the file: the app starts all the same and the file is tried again every second
 * (app-logs.ts), but a `hive start` that said nothing left the user with an app `online` and no log anywhere but a
 * line in daemon.log (PM2's own users asked for it to be said: Unitech/pm2#1094, #1524). With `mergeLogs: false` the
 * files checked are those the instances the app starts with write (`out-0.log`, `out-1.log`), and the path they are
 * named from, which the primary's own rare lines (a Node warning, a crash summary) go to: its warning says so, as
 * the app's lines are not lost there. A path given no suffix (`/dev/null`, `app.txt`) is every instance's and the
 * primary's: said once, as the app's.
 */
export function logPathWarnings(spec: AppSpec): string[] {
  const paths = [
    ['outFile', spec.outFile],
    ['errorFile', spec.errorFile],
    ['logFile', typeof spec.logFile === 'string' ? spec.logFile : undefined],
  ] as const;
  const instances = spec.mergeLogs === false ? startInstances(spec) : 0;
  return paths.flatMap(([key, base]) => {
    if (base === undefined) return [];
    const files = new Set(Array.from({ length: instances }, (_, i) => instanceLogPath(base, i)));
    const warnings = [...files].flatMap((file) => warning(key, file, "the app's lines"));
    return files.has(base)
      ? warnings
      : [...warnings, ...warning(key, base, files.size > 0 ? "the primary's own lines" : "the app's lines")];
  });
}

// The warning for one file, if the daemon cannot write it: whose lines are lost there.
function warning(key: string, file: string, lines: string): string[] {
  const problem = logPathProblem(file);
  return problem === undefined
    ? []
    : [`${key} ${file} cannot be written (${problem}): ${lines} for it are dropped until it can be`];
}

// The instances an app starts with (numbered from 0), or 0 when its count does not read (its start fails on it).
function startInstances(spec: AppSpec): number {
  try {
    return resolveInstances(spec.instances);
  } catch {
    return 0;
  }
}

/**
 * Why the daemon cannot write a log file at `file`, as far as it can tell before it writes (a full disk shows only
 * then), or undefined: a file there it may not write, a folder there, or a missing folder whose nearest existing
 * ancestor is a file or not writable (rotating-file-stream creates the missing folders).
 */
export function logPathProblem(file: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) return 'it is a folder';
    accessSync(file, constants.W_OK);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return (error as Error).message;
  }
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    try {
      if (!statSync(folder).isDirectory()) return `${folder} is not a folder`;
      accessSync(folder, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (error) {
      // ENOENT: that folder is created too, in its own parent; a dangling link's is not looked into (no warning).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(folder) === folder) {
        return (error as Error).message;
      }
    }
  }
}
