import { readFileSync } from 'node:fs';
import { isAlive } from '../cluster/proc-stat.js';

/**
 * The pid of the daemon that `pidFile` (daemon.pid) still names although that process is gone: a daemon removes the
 * file as it exits, so one left behind ended without stopping its apps (SIGKILL, the OOM killer, a power cut or a
 * reboot), and its apps' primaries stopped with it. Undefined when there is no such file, or its pid still runs (a
 * daemon on its way out of an orderly exit: it removes the file before it is gone, so the file is read again once the
 * pid is found dead). A pid reused since by another process reads as running: said nothing rather than wrongly.
 */
export function endedDaemon(pidFile: string): number | undefined {
  const pid = pidIn(pidFile);
  if (pid === undefined || isAlive(pid)) return undefined;
  return pidIn(pidFile) === pid ? pid : undefined;
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
