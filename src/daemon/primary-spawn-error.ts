import { cwdProblem } from '../config/cwd-problem.js';

/**
 * Why an app's primary could not be spawned, in words that name the cause: Node reports a cwd that is not there as
 * the program's ENOENT (`spawn /usr/bin/node ENOENT`), which sends one looking for a missing Node.js.
 */
export function primarySpawnError(error: Error, cwd: string): string {
  const problem = cwdProblem(cwd);
  return `cannot spawn its primary: ${problem ? `its cwd ${cwd} ${problem}` : error.message}`;
}
