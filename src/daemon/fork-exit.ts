/**
 * The exit status of a fork-mode primary whose program could not be spawned (ENOENT, EACCES): no restart of the
 * primary or of the process would run it, so the daemon marks the app errored at once. The primary's last stderr line
 * says why. Other exits of the primary are 0 (stopped) or a crash.
 */
export const FORK_SPAWN_FAILED = 3;
