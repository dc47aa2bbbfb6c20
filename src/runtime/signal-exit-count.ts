// signal-exit (loaded by execa, write-file-atomic, proper-lockfile, foreground-child...) keeps one shared emitter per
// process, whose `count` is the number of its copies loaded, each with one listener on SIGINT: v3 on
// `process.__signal_exit_emitter__`, v4 on `globalThis[Symbol.for('signal-exit emitter')]`. Its listener acts (runs
// the exit handlers, re-raises the signal) only when the signal's listeners number its count (v4 adds v3's), so
// while the runtime's own listener is there it does nothing.
const kV4Emitter = Symbol.for('signal-exit emitter');

/** How many of this process's signal listeners are signal-exit's (v3 and v4 copies together). */
export function signalExitListenerCount(): number {
  const v3 = (process as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__;
  const v4 = (globalThis as { [kV4Emitter]?: { count?: unknown } })[kV4Emitter];
  return countOf(v3) + countOf(v4);
}

function countOf(emitter: { count?: unknown } | undefined): number {
  const count = typeof emitter === 'object' && emitter !== null ? emitter.count : undefined;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 0;
}
