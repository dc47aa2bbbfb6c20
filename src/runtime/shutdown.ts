import { exitFlushed } from '../exit-flushed.js';
import { flushFromPrimary, isForkChild, isManaged } from './ipc.js';
import { ENV } from './protocol.js';
import { signalExitListenerCount } from './signal-exit-count.js';
import { type RuntimeState, runtimeState } from './state.js';
import { stickyReturnsSent } from './sticky-receiver.js';

const DEFAULT_IDLE_GRACE = 1000;
// How far apart a Ctrl-C's SIGINT to this process and the primary's shutdown message for it can be read, either way
// round: the kernel signals the whole group at once, so the two come within a few ms. A retirement on Ctrl-C waits
// that long for the signal before calling the app's SIGINT handlers itself; a SIGINT read earlier than that before the
// message was another one (a stray `kill -INT`), which does not stand for this retirement's.
const GROUP_SIGNAL_WAIT_MS = 500;
// A primary answers a flush at once; one that does not (an older build) must not hold the exit for long.
const FLUSH_TIMEOUT_MS = 1000;

/** The idle grace for keep-alive connections in a drain: the primary's setting, else 1 s. */
export function idleGraceFromEnv(value: string | undefined): number {
  const grace = Number(value);
  return Number.isFinite(grace) && grace >= 0 && value !== undefined && value !== '' ? grace : DEFAULT_IDLE_GRACE;
}

/**
 * Retires this process: drain the servers (the app's onDrain hooks run as the drain begins), run the app's onShutdown
 * hooks (in registration order), close what the runtime opened, exit 0; or, for an app written for PM2, hand the exit
 * to its own SIGINT or 'shutdown' handler. Idempotent: a second request joins the first. The primary's killTimeout
 * bounds it all. `groupSignal`: the primary stops on a Ctrl-C, which reached this process too. `unmanagedCause`:
 * without a Hive primary (fork mode, plain `node`), what started the retirement (see index.ts, onShutdown).
 */
export function shutdown(idleGrace: number, groupSignal?: 'SIGINT', unmanagedCause?: UnmanagedCause): Promise<void> {
  const state = runtimeState();
  state.shuttingDown ??= (async () => {
    // The SIGINTs that belong to this retirement: those read during it (a Ctrl-C in a reload's drain, say), and a
    // Ctrl-C's read just before its message. Each other one was handled when it came, and is over.
    const since = performance.now() - (groupSignal === 'SIGINT' ? GROUP_SIGNAL_WAIT_MS : 0);
    // The servers stop accepting at once; the app's onDrain hooks then end what would hold the drain for good.
    const drained = state.tracker.drain(idleGrace);
    await runHooks(state.drainHooks ?? [], 'onDrain');
    await drained;
    await runHooks(state.hooks, 'onShutdown');
    for (const close of state.closers) await close().catch(() => {});
    // Node's cluster may have handed this process a connection just before it learnt the servers closed: the process
    // refuses it (node sends it on to another) only if it is still alive when the handover arrives.
    await flushFromPrimary(FLUSH_TIMEOUT_MS);
    // Sticky connections that reached the process while it drained (until the flush's answer) go back to the primary:
    // it exits only once each has left it.
    await stickyReturnsSent(FLUSH_TIMEOUT_MS);
    // Only under a primary, which bounds it with killTimeout: without one the app's SIGINT handler has run already, or
    // the signal was SIGTERM, and nothing would end a process left to the app.
    // A Ctrl-C reaches this process too, but its shutdown message from the primary may be read first. A SIGINT sent to
    // the primary alone (`docker stop` with STOPSIGNAL SIGINT) never comes: then the app's handlers are called here.
    if (isManaged() && groupSignal === 'SIGINT' && !hadSigint(state, since) && hasAppSigint(state)) {
      await sigintWithin(state, GROUP_SIGNAL_WAIT_MS);
    }
    if (isManaged() && (tellApp(state) || signalApp(state, since))) {
      // The app ends the process now: by its own exit, or once its handler has released what kept it alive (the
      // channel to the primary no longer does). Past killTimeout the primary SIGKILLs it, as PM2 would.
      process.channel?.unref();
      return;
    }
    // Without a primary, an app with a handler of its own for what stopped it (its SIGINT handler, or in fork mode its
    // 'shutdown' message one) heard it at once, as without Hive, and ends the process itself: exiting now would cut its
    // cleanup short. Fork mode's killTimeout bounds it.
    if (!isManaged() && unmanagedCause !== undefined && appHandles(unmanagedCause, state)) return;
    // The app's last lines (its onShutdown hooks' logs) may still wait for the primary to read the pipe.
    exitFlushed(0);
  })();
  return state.shuttingDown;
}

// In registration order, each awaited; one that throws is logged and the next runs. for-of reads the array live: a
// hook registered while they run runs too, last.
async function runHooks(hooks: (() => unknown)[], what: string): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      console.error(`hive: an ${what} hook failed:`, error);
    }
  }
}

/**
 * Makes a process that no Hive primary manages (fork mode, plain `node`) retire on what stops it: SIGTERM, SIGINT,
 * and in fork mode with `shutdown_with_message` the message `'shutdown'`, which its primary sends in place of the
 * signal (the hooks never ran on it). Once per process, at the first onShutdown hook.
 */
export function retireOnStop(state: RuntimeState): void {
  const idleGrace = idleGraceFromEnv(process.env[ENV.drainIdleGrace]);
  const stop = (cause: UnmanagedCause) => void shutdown(idleGrace, undefined, cause);
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  if (!isForkChild() || process.env[ENV.shutdownMessage] !== '1') return;
  state.shutdownMessageListener = (message) => {
    if (message === 'shutdown') stop('message');
  };
  process.on('message', state.shutdownMessageListener);
  // A 'message' listener keeps the channel, and so the process, alive (node counts them): this one must not keep an
  // app that would end alive. Node counts it on the next tick; the count is taken back after that (execa does so).
  process.nextTick(() => (process.channel as { unrefCounted?: () => void } | undefined)?.unrefCounted?.());
}

/** What retires a process that no Hive primary manages: a signal, or fork mode's `shutdown_with_message` message. */
export type UnmanagedCause = 'SIGINT' | 'SIGTERM' | 'message';

/**
 * Whether the app has a listener of its own for `cause`: not the runtime's (`state.shutdownMessageListener`) and not
 * signal-exit's, which acts only when its listeners are a signal's only ones and so did nothing beside the runtime's.
 */
function appHandles(cause: UnmanagedCause, state: RuntimeState): boolean {
  if (cause === 'message') {
    return process.listeners('message').some((listener) => listener !== state.shutdownMessageListener);
  }
  return process.listenerCount(cause) > signalExitListenerCount();
}

/**
 * PM2's `shutdown_with_message`: the app's own `process.on('message')` handler hears `'shutdown'` and exits the
 * process itself, as under PM2 (the primary's killTimeout bounds it). True when the app was told, so the runtime must
 * not exit under its cleanup; false when it has no handler to tell, or the option is off.
 */
function tellApp(state: RuntimeState): boolean {
  if (process.env[ENV.shutdownMessage] !== '1') return false;
  // The runtime's own messages arrive as 'internalMessage' (protocol.ts, INTERNAL_CMD), but node's cluster has a
  // 'message' listener in every worker: an app without a handler of its own would wait for killTimeout's SIGKILL.
  const node = state.nodeMessageListeners ?? [];
  if (!process.listeners('message').some((listener) => !node.includes(listener))) return false;
  try {
    process.emit('message', 'shutdown', undefined);
  } catch (error) {
    console.error("hive: the app's 'shutdown' message handler failed:", error);
    return false;
  }
  return true;
}

/**
 * PM2 stops and reloads a process with SIGINT (its default kill signal), so an app written for it cleans up in its
 * own `process.on('SIGINT')` handler. That handler now runs, once the process has drained, as under PM2 it would
 * have run instead. True when the app has such a handler (the runtime's own, which ignores a terminal's Ctrl-C, aside).
 */
function signalApp(state: RuntimeState, since: number): boolean {
  const own = state.sigintListener;
  if (!process.listeners('SIGINT').some((listener) => listener !== own)) return false;
  // The runtime's listener goes first, so that the app's handlers see the process as PM2 would have left it:
  // signal-exit (loaded by execa, write-file-atomic, proper-lockfile...) acts only when its listeners are the only
  // ones, and a handler that cleans up and re-raises SIGINT must then die of it.
  if (own) process.off('SIGINT', own);
  // Ctrl-C (a signal to the whole group) has run them itself, at once: a second run would close a database twice.
  // Not when they were signal-exit's alone (install.ts): those did nothing beside the runtime's listener, and act now.
  if (appHadSigint(state, since)) return true;
  try {
    process.emit('SIGINT', 'SIGINT');
  } catch (error) {
    console.error("hive: the app's SIGINT handler failed:", error);
    return false;
  }
  return true;
}

/** Whether a real SIGINT reached the app's own handlers at or after `since` (performance.now()). */
function appHadSigint(state: RuntimeState, since: number): boolean {
  return state.appSigintAt !== undefined && state.appSigintAt >= since;
}

/** Whether a real SIGINT reached this process at or after `since`, whatever its listeners did with it. */
function hadSigint(state: RuntimeState, since: number): boolean {
  return state.sigintAt !== undefined && state.sigintAt >= since;
}

function hasAppSigint(state: RuntimeState): boolean {
  return process.listeners('SIGINT').some((listener) => listener !== state.sigintListener);
}

/** Resolves at this process's next SIGINT (seen by the runtime's listener), or after `ms`. */
function sigintWithin(state: RuntimeState, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      state.onSigint = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms);
    state.onSigint = done;
  });
}
