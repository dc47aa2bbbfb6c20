import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The TCP ports some of `pids` listen on, from /proc, sorted: what an app's processes really listen on (`hive edge
 * nginx --app`), whatever port it was given. Undefined where /proc cannot tell (not Linux). A process that is gone,
 * or not this user's, adds none.
 */
export function listeningPorts(pids: readonly number[]): number[] | undefined {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {}
    }
  }
  const ports = new Set<number>();
  let readable = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    // `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...`; st 0A is LISTEN.
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (state !== '0A' || local === undefined || inode === undefined || !inodes.has(inode)) continue;
      ports.add(Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return readable ? [...ports].sort((a, b) => a - b) : undefined;
}
