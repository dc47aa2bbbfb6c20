import { readFileSync } from 'node:fs';
import { BalanceUnsupportedError } from './errors.js';

/** Linux's switch that hands connections queued on a closing SO_REUSEPORT socket to another socket of its group. */
export const TCP_MIGRATE_REQ = '/proc/sys/net/ipv4/tcp_migrate_req';

/** How connections reach the app processes. */
export type BalanceMode = 'rr' | 'os' | 'reuseport';

/** True when this Node.js supports `reusePort` in `net.Server#listen` (22.12+, 23.1+). */
export function supportsReusePort(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** Throws when the running Node.js cannot do the balance mode. */
export function assertBalanceSupported(mode: BalanceMode, version: string = process.versions.node): void {
  if (mode === 'reuseport' && !supportsReusePort(version)) throw new BalanceUnsupportedError(mode, version);
}

/**
 * The warning for a `balance` given with `sticky`, under which it has no say over the app's port: the primary's router
 * accepts every connection and hands it to its client's process. Undefined when none was given (or no sticky).
 */
export function stickyBalanceWarning(balance: BalanceMode | undefined, sticky: unknown): string | undefined {
  if (balance === undefined || !sticky) return undefined;
  return (
    `--balance ${balance} is ignored with --sticky: the primary's router accepts every connection on the port and ` +
    "hands it to its client's process; leave --balance out"
  );
}

/**
 * Why reloads under `reuseport` may reset connections on this machine, or undefined when they will not: a retiring
 * process closes its own listening socket, and the kernel resets what is still queued on it unless
 * `net.ipv4.tcp_migrate_req` is 1 (Linux 5.14+), which moves those connections to another process's socket.
 */
export function reuseportReloadWarning(path: string = TCP_MIGRATE_REQ): string | undefined {
  let value: string;
  try {
    value = readFileSync(path, 'utf8').trim();
  } catch {
    value = 'missing (Linux older than 5.14)';
  }
  if (value === '1') return undefined;
  return (
    '--balance reuseport: a process that retires (reload, scale down, memory limit) closes its own listening ' +
    `socket, and the kernel resets the connections still queued on it: net.ipv4.tcp_migrate_req is ${value}. ` +
    'Set it to 1 (`sysctl -w net.ipv4.tcp_migrate_req=1`, Linux 5.14+) for reloads that drop nothing, or use ' +
    '--balance rr or os'
  );
}
