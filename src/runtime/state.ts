import type { Server } from 'node:net';
import { ServerTracker } from './server-tracker.js';

/** A handler of other processes' broadcasts: the data, and the sender's instance. */
export type BroadcastHandler = (data: unknown, from: number) => void;

/** What the runtime keeps per process. */
export interface RuntimeState {
  installed: boolean;
  tracker: ServerTracker;
  readySent: boolean;
  shuttingDown: Promise<void> | undefined;
  signalsHandled: boolean;
  hooks: (() => unknown)[];
  /** The app's onDrain hooks, run as a retirement begins. Absent from the state of an older runtime. */
  drainHooks?: (() => unknown)[];
  /** Servers that receive the connections the primary hands over in sticky mode. */
  stickyServers: Server[];
  /** The listener of `hive run --socket`, once a server got it. */
  socketServer: Server | undefined;
  /** Closers of what the runtime itself opened (the shared pools), run after the app's hooks. */
  closers: (() => Promise<unknown>)[];
  /**
   * True once a runtime that reads the primary's messages as 'internalMessage' (protocol.ts, INTERNAL_CMD) installed:
   * its primary, of the same build, reads that form too. Absent from the state of an older runtime.
   */
  internalIpc?: boolean;
  /**
   * The app's `onBroadcast` handlers. In the shared state, as the installed copy of the runtime delivers to the
   * handlers that any copy registered. Absent from the state of an older runtime.
   */
  broadcastHandlers?: BroadcastHandler[];
  /**
   * The 'message' listeners the process had before the app's code ran: node's cluster's own (its `cluster.worker`
   * re-emits every message), which are not the app's handlers of PM2's `'shutdown'`.
   */
  nodeMessageListeners?: unknown[];
  /**
   * The runtime's 'message' listener in a fork-mode process with `shutdown_with_message` and `onShutdown` hooks,
   * told apart from the app's own handlers of `'shutdown'`.
   */
  shutdownMessageListener?: (message: unknown) => void;
  /** The runtime's own SIGINT listener (it ignores the signal), told apart from the app's. */
  sigintListener: (() => void) | undefined;
  /**
   * When (performance.now()) a real SIGINT last reached the app's own SIGINT handlers. A retirement that the signal
   * belongs to (a Ctrl-C reaches the whole process group) must not run them a second time; one it does not (a stray
   * `kill -INT` long before a reload) must.
   */
  appSigintAt: number | undefined;
  /**
   * When (performance.now()) a real SIGINT last reached this process, whether or not an app handler acted on it (only
   * signal-exit's, which does nothing beside the runtime's listener, or none).
   */
  sigintAt: number | undefined;
  /** Called by the runtime's SIGINT listener: a retirement waiting for a Ctrl-C's signal to arrive here. */
  onSigint: (() => void) | undefined;
}

// One state per process even when two copies of the runtime load (the primary's --import and an app's own
// node_modules copy): a second copy must not patch listen() twice or track servers apart.
const kState = Symbol.for('hive.runtime.state');

/** The process-wide runtime state, created on first use. */
export function runtimeState(): RuntimeState {
  const holder = globalThis as { [kState]?: RuntimeState };
  holder[kState] ??= {
    installed: false,
    tracker: new ServerTracker(),
    readySent: false,
    shuttingDown: undefined,
    signalsHandled: false,
    hooks: [],
    drainHooks: [],
    stickyServers: [],
    socketServer: undefined,
    closers: [],
    internalIpc: false,
    broadcastHandlers: [],
    sigintListener: undefined,
    appSigintAt: undefined,
    sigintAt: undefined,
    onSigint: undefined,
  };
  return holder[kState];
}
