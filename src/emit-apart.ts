/**
 * Calls a user's listener or callback (an `emit`, an `onReplaced`) so that its throw cannot cut the caller's own work
 * short: the throw is rethrown on a microtask, after the caller's bookkeeping, as an uncaught exception. Hive emits from
 * inside its state changes (a pool's scheduler, a supervisor's worker states): a listener's bug there must surface, but
 * must not leave a promise unsettled or a state half-changed. Shared by the pool and the cluster, which import neither
 * each other's internals nor config.
 */
export function emitApart(emit: () => void): void {
  try {
    emit();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
