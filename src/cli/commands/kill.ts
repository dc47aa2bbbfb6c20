import { rmSync } from 'node:fs';
import { pidLockHolder } from '../../cluster/pid-lock.js';
import { childPids } from '../../daemon/child-pids.js';
import { claimEndedDaemon, endedDaemon } from '../../daemon/ended-daemon.js';
import { checkHome } from '../../daemon/home-safety.js';
import { hivePaths } from '../../daemon/paths.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { endedDaemonFound } from '../ended-daemon-notice.js';
import { waitGone } from '../wait-gone.js';

const usage = `Usage: hive kill [--force] [--json]

Stops every app gracefully, then the daemon.
  --force  for a daemon that no longer answers: SIGKILL it without asking (its pid from the daemon lock); its apps'
           primaries see it gone and stop gracefully on their own, and kill waits for them`;

// How long --force waits for the primaries' own graceful stop (their drain and killTimeout) before saying who is left.
const PRIMARY_WAIT_MS = 60_000;

/** `hive kill`: returns once the daemon process is gone. */
export default function kill(argv: string[]): Promise<number> {
  return runCommand('kill', async () => {
    const { values } = parseCommand(argv, { force: { type: 'boolean' } }, { command: 'kill', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (values.force) return forceKill(values.json === true);
    const result = await withDaemon((client) => client.request<{ pid: number }>('kill'), false);
    if (result) {
      // The daemon answers after its apps stopped, then exits: wait for that, bounded.
      await waitGone([result.pid], 5_000);
    } else forgetEndedDaemon();
    if (values.json) printJson({ killed: result !== undefined, pid: result?.pid ?? null });
    else process.stdout.write(result ? `daemon (pid ${result.pid}) and its apps stopped\n` : 'no daemon running\n');
    return 0;
  });
}

/**
 * A kill that finds no daemon, where one had ended without `hive kill` (its daemon.pid left naming a dead pid): said
 * here, on stderr, and its pid file removed, so that the command that starts the next daemon does not tell a user who
 * ran `hive kill` that the daemon ended without it.
 */
function forgetEndedDaemon(): void {
  const ended = claimEndedDaemon(hivePaths().pidFile);
  if (ended !== undefined) process.stderr.write(endedDaemonFound(ended));
}

async function forceKill(json: boolean): Promise<number> {
  const paths = hivePaths();
  // The lock file names the pid this SIGKILLs: in a home another user can write, it could name any of ours.
  checkHome(paths);
  const pid = pidLockHolder(paths.lock);
  if (pid === undefined) {
    forgetEndedDaemon();
    if (json) printJson({ killed: false, pid: null, forced: true, primaries: [], left: [] });
    else process.stdout.write('no daemon running\n');
    return 0;
  }
  // Read before the kill: once the daemon is gone its primaries are re-parented and no longer findable by it.
  const primaries = childPids(pid);
  process.kill(pid, 'SIGKILL');
  await waitGone([pid], 5_000);
  // Its pid file, which a SIGKILLed daemon cannot remove: left, the next command would report a daemon that had been
  // killed unasked (see cli/ended-daemon-notice.ts).
  if (endedDaemon(paths.pidFile) === pid) rmSync(paths.pidFile, { force: true });
  const left = await waitGone(primaries, PRIMARY_WAIT_MS);
  if (json) printJson({ killed: true, pid, forced: true, primaries, left });
  else process.stdout.write(forceKillText(pid, primaries.length - left.length, left, PRIMARY_WAIT_MS));
  return left.length > 0 ? 1 : 0;
}

/** What `hive kill --force` prints in text: the counts and the pids in the singular for one. */
export function forceKillText(pid: number, stopped: number, left: readonly number[], waitMs: number): string {
  const primaries =
    stopped === 1 ? '1 app primary stopped on its own' : `${stopped} app primaries stopped on their own`;
  const still =
    left.length === 0
      ? ''
      : `still running after ${waitMs / 1000} s: pid${left.length === 1 ? '' : 's'} ${left.join(', ')}\n`;
  return `daemon (pid ${pid}) killed; ${primaries}\n${still}`;
}
