import { linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isAlive, startedAtMs } from '../cluster/proc-stat.js';

/**
 * The pid of the daemon that `pidFile` (daemon.pid) still names although that process is gone: a daemon removes the
 * file as it exits, so one left behind ended without stopping its apps (SIGKILL, the OOM killer, a power cut or a
 * reboot), and its apps' primaries stopped with it. Undefined when there is no such file, or its pid still runs (a
 * daemon on its way out of an orderly exit: it removes the file before it is gone, so the file is read again once the
 * pid is found dead). A pid reused since by another process, one that started after the file was written, is not the
 * daemon's: ended too.
 */
export function endedDaemon(pidFile: string): number | undefined {
  const pid = pidIn(pidFile);
  if (pid === undefined || (isAlive(pid) && !startedAfter(pid, pidFile))) return undefined;
  return pidIn(pidFile) === pid ? pid : undefined;
}

// Leeway for the boot time's second and a clock set meanwhile: a pid reused within it reads as the daemon still.
const REUSE_LEEWAY_MS = 2_000;

// Whether `pid` started after `file` was last written: it cannot be the process that wrote its own pid there.
function startedAfter(pid: number, file: string): boolean {
  const started = startedAtMs(pid);
  let written: number;
  try {
    written = statSync(file).mtimeMs;
  } catch {
    return false;
  }
  return started !== undefined && started > written + REUSE_LEEWAY_MS;
}

/**
 * {@link endedDaemon}, taken by this process: the pid file is removed, and the pid returned only to the one process
 * whose rename took it. Two commands run at once both read the file before either removed it, and both said the
 * daemon had ended; what one says, the other must not. The claims that commands killed mid-claim left are removed
 * first (see removeStaleClaims).
 */
export function claimEndedDaemon(pidFile: string): number | undefined {
  const pid = endedDaemon(pidFile);
  if (pid === undefined) return undefined;
  removeStaleClaims(pidFile);
  const claim = `${claimPrefix(pidFile)}${process.pid}`;
  try {
    renameSync(pidFile, claim);
  } catch {
    // Gone: another command took it.
    return undefined;
  }
  const claimed = pidIn(claim);
  if (claimed !== pid) {
    // Another command took the ended daemon's between our read and the rename, and the daemon it started wrote its
    // own: put back (a link fails only if that daemon has written it again meanwhile).
    try {
      linkSync(claim, pidFile);
    } catch {}
  }
  rmSync(claim, { force: true });
  return claimed === pid ? pid : undefined;
}

function claimPrefix(pidFile: string): string {
  return `${pidFile}.claimed-`;
}

/**
 * Removes the claims (`daemon.pid.claimed-<pid>`) of commands that are gone: one killed between its rename and its
 * removal left its claim behind, which nothing else would ever remove. A claim whose pid runs is left to its command.
 */
function removeStaleClaims(pidFile: string): void {
  const prefix = basename(claimPrefix(pidFile));
  let names: string[];
  try {
    names = readdirSync(dirname(pidFile));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    const pid = Number(suffix);
    // Only names this module writes: any other file is not ours to remove.
    if (!/^[1-9][0-9]*$/.test(suffix) || !Number.isSafeInteger(pid) || isAlive(pid)) continue;
    rmSync(join(dirname(pidFile), name), { force: true });
  }
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
