import type { Socket } from 'node:net';
import { appPromMetrics } from './app-metrics.js';
import { deliverBroadcast } from './broadcast.js';
import { sendFinalAppMetrics } from './final-app-metrics.js';
import { followForkClusterSize } from './fork-cluster-size.js';
import { flushed, isForkChild, isManaged, isPrimaryChild, sendToPrimary } from './ipc.js';
import { applyKeepAliveTimeout } from './keep-alive-timeout.js';
import { patchListen } from './listen-patch.js';
import { startMetricsReporter } from './metrics-reporter.js';
import { reportPoolLoads } from './pool-load-report.js';
import { resizeSharedPools } from './pool-registry.js';
import { answered } from './primary-ask.js';
import { decodePrimaryMessage, ENV, isHiveInternal } from './protocol.js';
import { trackRequests, untrackRequests } from './request-context.js';
import { RequestSampler } from './request-sampler.js';
import { enableServerTiming } from './server-timing.js';
import { idleGraceFromEnv, shutdown } from './shutdown.js';
import { signalExitListenerCount } from './signal-exit-count.js';
import { type RuntimeState, runtimeState } from './state.js';
import { receiveStickyConnection } from './sticky-receiver.js';

// Samples travel in every report over IPC: a few per interval are what a waterfall shows.
const MAX_SAMPLES = 100;

/**
 * Installs the runtime in this process (idempotent): server tracking always; under a Hive primary also the IPC
 * handling, metrics reports and signal handling.
 */
export function install(): RuntimeState {
  const state = runtimeState();
  if (state.installed) return state;
  state.installed = true;
  // Claims the primary's variables for this process before the app can start another that inherits them.
  isPrimaryChild();
  patchListen(state);
  if (isForkChild()) followForkClusterSize();
  if (!isManaged()) return state;
  applyKeepAliveTimeout(state.tracker);
  reportPoolLoads();

  const onMessage = (value: unknown, handle: unknown) => {
    if (!isHiveInternal(value)) return;
    let message: ReturnType<typeof decodePrimaryMessage>;
    try {
      message = decodePrimaryMessage(value);
    } catch (error) {
      console.error(`hive: ${(error as Error).message}`);
      return;
    }
    if (message?.type === 'shutdown') void shutdown(message.idleGrace, message.groupSignal);
    else if (message?.type === 'cluster-size') {
      process.env[ENV.clusterSize] = String(message.size);
      resizeSharedPools();
    } else if (message?.type === 'flushed') flushed();
    else if (message?.type === 'sampling') setSampling(state, message.size);
    else if (message?.type === 'sticky-connection' && handle) {
      receiveStickyConnection(state, handle as Socket, message.head, message.id);
    } else if (message?.type === 'sticky-listening' || message?.type === 'reuseport-clear') answered(message);
    else if (message?.type === 'app-metrics-request') answerAppMetrics(message.id);
    else if (message?.type === 'broadcast') deliverBroadcast(state, message.data, message.from);
  };
  // 'internalMessage': the primary's messages are in node's internal form, unseen by the app's 'message' listeners
  // (see INTERNAL_CMD in protocol.ts for why). Such a listener does not keep the channel referenced, unlike a
  // 'message' one, which changes nothing: node's cluster keeps a worker's channel referenced ('disconnect'), and
  // makes the process exit when it closes (the primary died), so no orphan is left.
  process.on('internalMessage', onMessage);
  state.internalIpc = true;
  state.nodeMessageListeners = process.listeners('message');

  // Ctrl-C and a terminal hangup reach the whole process group: the primary coordinates stop and reload, so the app
  // must not die on its own.
  const onSigint = () => {
    // The app's own listeners get the signal now, and not again at the retirement it belongs to (shutdown.ts). The
    // runtime's stays: a listener that acts only when it is the only one (signal-exit's, loaded by execa,
    // write-file-atomic...) then does nothing, so the process is drained and its onShutdown hooks run, rather than
    // ended at once without them. When signal-exit's are the app's only listeners, none of them acted: they are run
    // at the retirement, after the drain, or the process would wait out killTimeout with its exit handlers unrun.
    state.sigintAt = performance.now();
    const app = process.listeners('SIGINT').filter((listener) => listener !== onSigint).length;
    if (app > 0 && app !== signalExitListenerCount()) state.appSigintAt = state.sigintAt;
    state.onSigint?.();
  };
  state.sigintListener = onSigint;
  process.on('SIGINT', onSigint);
  process.on('SIGHUP', () => {});
  // Told the primary of a SIGTERM, and serving on until its `shutdown` (ENV.sigtermHandover).
  let handingOver = false;
  process.on('SIGTERM', () => {
    // Sent to this process directly, not through the primary: the primary still counts it ready, and in sticky mode
    // would keep handing it connections that a draining process can only refuse.
    if (runtimeState().shuttingDown === undefined && !handingOver) {
      sendToPrimary({ hive: 1, type: 'draining' });
      // Closing the servers now would leave the port of `-i 1` closed (clients refused) until a process forked after
      // the exit listens: the primary starts the replacement first, and its `shutdown` then starts the drain. A
      // second SIGTERM does not wait.
      if (process.env[ENV.sigtermHandover] === '1' && process.connected) {
        handingOver = true;
        return;
      }
    }
    void shutdown(idleGraceFromEnv(process.env[ENV.drainIdleGrace]));
  });
  state.signalsHandled = true;
  if (process.env[ENV.appMetrics] === '1') state.closers.unshift(sendFinalAppMetrics);

  const interval = Number(process.env[ENV.reportInterval]);
  if (process.env[ENV.serverTiming] === '1') enableServerTiming(state.tracker, process.env[ENV.instance] ?? '0');
  if (process.env[ENV.trackRequests] === '1') trackRequests(state.tracker, 'app');
  // The metrics report carries the RSS the primary's memory guard reads, and the sampled requests.
  if (interval > 0) {
    sampler = new RequestSampler(0);
    setSampling(state, Number(process.env[ENV.requestSamples]) || 0);
    startMetricsReporter(state, interval, sampler, { countHttp: process.env[ENV.httpMetrics] !== '0' });
  }
  return state;
}

// The process's request sampler, while it reports metrics.
let sampler: RequestSampler | undefined;

/** Request sampling on (`size` requests per report) or off (0), from the env at start and from the primary after. */
function setSampling(state: RuntimeState, size: number): void {
  if (sampler === undefined) return;
  const kept = Math.max(0, Math.min(Math.trunc(size) || 0, MAX_SAMPLES));
  if (kept === sampler.size) return;
  if (kept > 0) trackRequests(state.tracker, 'sampling', { timeline: true });
  else untrackRequests('sampling', { timeline: true });
  sampler.resize(kept);
}

function answerAppMetrics(id: number): void {
  appPromMetrics().then(
    (metrics) => sendToPrimary({ hive: 1, type: 'app-metrics', id, metrics }),
    (error: Error) => sendToPrimary({ hive: 1, type: 'app-metrics', id, metrics: null, error: error.message }),
  );
}
