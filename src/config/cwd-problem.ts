import { statSync } from 'node:fs';

/**
 * What keeps `cwd` from being an app's working folder, or undefined when it is one: an app's processes are spawned
 * there, and a spawn in a folder that is not there fails (Node names the program, `spawn /usr/bin/node ENOENT`, not
 * the folder). An error other than the folder's absence (EACCES on the way) is left to the spawn to report.
 */
export function cwdProblem(cwd: string): 'does not exist' | 'is not a directory' | undefined {
  try {
    return statSync(cwd).isDirectory() ? undefined : 'is not a directory';
  } catch (error) {
    // ENOTDIR: a folder on the way is a file.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : undefined;
  }
}
