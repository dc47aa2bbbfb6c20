import { existsSync } from 'node:fs';

/**
 * What a command says on stderr when the daemon it started replaced one that had ended without stopping its apps
 * (see daemon/ended-daemon.ts): without it, `hive ls` would print "No apps" as if none had ever run. `resurrects`:
 * the command brings the saved apps back itself, so it is not told to run; nor is it without a dump (no `hive save`).
 */
export function endedDaemonNotice(pid: number, dump: string, resurrects: boolean): string {
  const advice = resurrects || !existsSync(dump) ? '' : `: \`hive resurrect\` brings back the apps saved in ${dump}`;
  return `${ended(pid)}; a new daemon runs${advice}\n`;
}

/** The notice of a command that starts no daemon in its place (`hive kill` finding it dead): what happened only. */
export function endedDaemonFound(pid: number): string {
  return `${ended(pid)}\n`;
}

function ended(pid: number): string {
  return `hive: the daemon (pid ${pid}) had ended without \`hive kill\` (killed: SIGKILL, the OOM killer, a reboot), and its apps with it`;
}
