/**
 * Whether `pid`, reported as one of an app's processes, may be recorded and signalled as one. Never 0 or a negative
 * pid (process.kill(0) signals the caller's whole process group, the daemon and every app included; -n a group), nor
 * 1 (init), nor the daemon itself or the app's primary (Hive's own, which takes SIGTERM as a stop): a primary that
 * reports a failed spawn's pid 0, or a bad record, must not turn `hive sendSignal` or a stop into a signal to those.
 */
export function isAppProcessPid(pid: unknown, primaryPid: number | undefined): pid is number {
  return Number.isSafeInteger(pid) && (pid as number) > 1 && pid !== process.pid && pid !== primaryPid;
}
