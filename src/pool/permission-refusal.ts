/**
 * Node's permission model (`--permission`, `--experimental-permission` on Node 20) refusing a pool worker's start:
 * `ERR_ACCESS_DENIED`, whose `permission` names what was refused. Not the pool's options: the process was not granted
 * threads (or child processes), and no retry or other option changes that while it runs.
 */
export function isPermissionRefusal(cause: unknown): boolean {
  return (cause as { code?: unknown } | undefined)?.code === 'ERR_ACCESS_DENIED';
}

// The grant for each refusal a worker start meets (Node 20 names none in its message, Node 22+ names it).
const GRANTS: Record<string, string> = {
  WorkerThreads: 'to start a worker thread: run Node with --allow-worker',
  ChildProcess: "to spawn a child process (isolation: 'process'): run Node with --allow-child-process",
};

/** Why a start was refused, in words, for a {@link isPermissionRefusal} cause. */
export function permissionRefusalReason(cause: unknown): string {
  const { permission, message } = cause as { permission?: unknown; message?: unknown };
  const grant = typeof permission === 'string' ? GRANTS[permission] : undefined;
  return `Node's permission model refused ${grant ?? `it (${String(message)})`}`;
}

// The flag that grants each permission Node names in an ERR_ACCESS_DENIED (`permission: 'FileSystemRead'`).
const FLAGS: Record<string, string> = {
  FileSystemRead: '--allow-fs-read',
  FileSystemWrite: '--allow-fs-write',
  WorkerThreads: '--allow-worker',
  ChildProcess: '--allow-child-process',
  Addons: '--allow-addons',
  WASI: '--allow-wasi',
};

/**
 * The Node flag that grants what a crash report of ERR_ACCESS_DENIED says was refused (its `permission:` and, for the
 * file system, `resource:` fields), as `--allow-fs-read=/srv/config.json`; undefined for a report without them or a
 * permission with no flag known here. Node 20 names no flag in its message: this says it on every version.
 */
export function grantFlagOf(report: string): string | undefined {
  const permission = /^\s+permission: '(\w+)'/m.exec(report)?.[1];
  const flag = permission === undefined ? undefined : FLAGS[permission];
  if (flag === undefined) return undefined;
  const resource = /^\s+resource: '(.+)'$/m.exec(report)?.[1];
  return flag.startsWith('--allow-fs-') && resource ? `${flag}=${resource}` : flag;
}
