import type { ReloadedSlot, Supervisor, SupervisorEvent } from '../cluster/supervisor.js';
import { sayLeaving } from '../daemon/primary-leaving.js';
import type { ReloadSlot } from '../daemon/protocol.js';
import { RELOAD_COMMAND_KEYS, type ReloadCommandKey } from '../daemon/reload-command.js';
import { MetricsAggregator } from '../metrics/aggregator.js';
import type { ClusterExposition } from '../metrics/cluster-exposition.js';
import { AppSnapshotCollector } from '../metrics/snapshot.js';
import { withNonFiniteAsStrings } from '../runtime/app-metrics.js';

/**
 * The daemon side of a `hive run` primary forked by `hive start`: answers its control requests over IPC.
 *
 * Requests are `{ hive: 1, type, id, ... }` over IPC: `reload` and `scale` are answered by `control-result` (a
 * reload's with one entry per slot) on stdout, `reset` by `control-result` and `snapshot` by `snapshot-result` (an
 * {@link AppSnapshot} of the app now) over IPC, `ping` by `pong` over IPC, `prometheus` by `prometheus-result` (what
 * the app's `/metrics` would serve, as prom-client's JSON, for the daemon's metrics endpoint) over IPC. Unasked, once
 * the app stops or ends, `leaving` over IPC (primary-leaving.ts).
 */

type Send = (message: Record<string, unknown>) => void;

// With a callback: a channel closed meanwhile (the daemon gone) fails the send there, not as an uncaught error.
const send: Send = (message) => {
  process.send?.({ hive: 1, ...message }, undefined, {}, () => {});
};

/**
 * Answers and reload progress go on stdout as `{ kind: 'control', ... }` lines, behind the events they follow: the
 * daemon learns the workers' states from those events, and an answer sent over IPC could overtake them (a `hive
 * reload` table showing a process it just replaced as still online).
 */
const answer: Send = (message) => {
  process.stdout.write(`${JSON.stringify({ kind: 'control', hive: 1, ...message })}\n`);
};

/**
 * Sets up the primary's end of the daemon channel: an {@link AppSnapshotCollector} over the supervisor (so that a
 * snapshot holds the events and per-slot counters since the primary started) and the handler of control requests,
 * returned for `process.on('message', ...)`.
 */
export function daemonControl(supervisor: Supervisor): (message: unknown) => void {
  const collector = new AppSnapshotCollector(supervisor);
  const wantRequests = samplingWindow(supervisor);
  const prometheus = prometheusExposition(supervisor);
  supervisor.on('event', (event: SupervisorEvent) => {
    if (event.type !== 'state') return;
    if (event.state === 'stopping' || event.state === 'stopped') sayLeaving();
    if (event.state !== 'stopped') return;
    collector.close();
    wantRequests.close();
    prometheus.close();
  });
  return (message) => {
    if ((message as { hive?: unknown; type?: unknown } | null)?.type === 'prometheus') {
      void answerPrometheus(message as { hive?: unknown; id?: unknown }, prometheus);
      return;
    }
    void answerControl(supervisor, message, collector, wantRequests);
  };
}

/**
 * The app's Prometheus exposition, for the daemon's endpoint: its counters must count from the primary's start, so the
 * aggregator listens from now on (it only folds reports), while prom-client (a good part of a primary's start-up) and
 * the registry are loaded at the first request, which only a daemon with a metrics port sends.
 */
function prometheusExposition(supervisor: Supervisor): { get(): Promise<ClusterExposition>; close(): void } {
  const aggregator = new MetricsAggregator(supervisor, { sinceStart: true });
  let exposition: Promise<ClusterExposition> | undefined;
  return {
    get() {
      exposition ??= import('../metrics/cluster-exposition.js').then(
        ({ ClusterExposition }) => new ClusterExposition(supervisor, aggregator),
      );
      return exposition;
    },
    close() {
      aggregator.close();
      void exposition?.then((e) => e.close());
    },
  };
}

async function answerPrometheus(
  request: { hive?: unknown; id?: unknown },
  prometheus: { get(): Promise<ClusterExposition> },
): Promise<void> {
  if (request.hive !== 1) return;
  try {
    const metrics = (await (await prometheus.get()).json()).map(withNonFiniteAsStrings);
    send({ type: 'prometheus-result', id: request.id, ok: true, metrics });
  } catch (error) {
    send({ type: 'prometheus-result', id: request.id, ok: false, message: (error as Error).message });
  }
}

// What a snapshot asking for requests (the dashboard's) turns on, and for how long after the last such snapshot: a
// view polls every second, so sampling (and its per-request cost) ends soon after the last page closes.
const VIEW_SAMPLES = 5;
const VIEW_SAMPLING_MS = 15_000;

/** Request sampling on while snapshots ask for requests, off {@link VIEW_SAMPLING_MS} after the last one. */
function samplingWindow(supervisor: Supervisor): (() => void) & { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const want = () => {
    if (timer === undefined) supervisor.sampleRequests(VIEW_SAMPLES);
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      supervisor.sampleRequests(0);
    }, VIEW_SAMPLING_MS);
    timer.unref();
  };
  return Object.assign(want, { close: () => clearTimeout(timer) });
}

/**
 * A control request from the daemon: `{ hive: 1, type: 'reload' | 'scale' | 'reset' | 'snapshot' | 'ping', id,
 * instances?, requests?, env?, args?, nodeArgs?, maxMemoryRestart?, killTimeout?, listenTimeout? }`; a reload's `env`
 * is the app's new environment (`hive reload --update-env`), its `args` and `nodeArgs` the script's and Node.js's new
 * arguments, its `maxMemoryRestart` the new memory limit (`300M`; null: none) and its `killTimeout` and
 * `listenTimeout` the new timeouts (`4s`; null: the default), all of a config file's reload, and
 * `reset` zeroes the per-slot restarts of the snapshots (`hive reset`). Or the daemon's unasked, unanswered `{ hive:
 * 1, type: 'restarts', slots, primary, total: { slots, primary } }`: the restarts before this primary, since `hive
 * reset` for the snapshots and all of them (`total`) for `hive_restarts_total`.
 * A snapshot with `requests: true` (the dashboard's) calls `wantRequests`, which keeps request sampling on.
 */
export async function answerControl(
  supervisor: Supervisor,
  message: unknown,
  collector?: AppSnapshotCollector,
  wantRequests?: () => void,
): Promise<void> {
  const request = message as {
    hive?: unknown;
    type?: unknown;
    id?: unknown;
    instances?: unknown;
    requests?: unknown;
  } & ReloadFields;
  if (typeof request !== 'object' || request === null || request.hive !== 1) return;
  const { id } = request;
  if (request.type === 'restarts') {
    // Sent unasked by the daemon right after the fork: the app's restarts so far, since `hive reset` for the views and
    // all of them (`total`) for the metrics.
    const { slots, primary, total } = request as { slots?: unknown; primary?: unknown; total?: unknown };
    const views = restartCounts(slots, primary);
    const all = typeof total === 'object' && total !== null ? total : {};
    const metrics = restartCounts((all as { slots?: unknown }).slots, (all as { primary?: unknown }).primary);
    supervisor.carryRestarts(views, metrics);
    return;
  }
  if (request.type === 'ping') {
    // The daemon's check that this loop runs (daemon/primary-watch.ts): answered at once, over IPC.
    send({ type: 'pong' });
    return;
  }
  if (request.type === 'snapshot') {
    if (request.requests === true) wantRequests?.();
    // Built synchronously from what the collector holds: a snapshot never waits on the workers.
    send({ type: 'snapshot-result', id, snapshot: collector?.snapshot() ?? null });
    return;
  }
  // A reset changes no process: answered over IPC, as snapshots, not behind the app's output on stdout (the daemon
  // waits a second for it).
  const reply = request.type === 'reset' ? send : answer;
  try {
    let slots: ReloadSlot[] | undefined;
    // Which of a reload's new arguments this primary applied: a daemon tells an older primary, which answers without
    // it (having ignored them), by its absence, and keeps warning of them.
    let applied: string[] | undefined;
    if (request.type === 'reload') {
      slots = await reloadBySlot(supervisor, id, request);
      applied = RELOAD_COMMAND_KEYS.filter((key) => request[key] !== undefined);
    } else if (request.type === 'scale') await supervisor.scale(request.instances as number | string);
    else if (request.type === 'reset') collector?.resetRestarts();
    else throw new Error(`unknown control request ${JSON.stringify(request.type)}`);
    const extra = { ...(slots ? { slots } : {}), ...(applied?.length ? { applied } : {}) };
    reply({ type: 'control-result', id, ok: true, size: supervisor.size, ...extra });
  } catch (error) {
    const { code, message: text } = error as { code?: string; message?: string };
    reply({ type: 'control-result', id, ok: false, code, message: text ?? String(error) });
  }
}

// A `restarts` message's counts: per instance number, and the primary's respawns.
function restartCounts(slots: unknown, primary: unknown): { slots: Map<number, number>; primary: number } {
  const counts = Object.entries(typeof slots === 'object' && slots !== null ? slots : {})
    .map(([instance, count]) => [Number(instance), Number(count)] as const)
    .filter(([instance, count]) => Number.isInteger(instance) && Number.isFinite(count));
  return { slots: new Map(counts), primary: Number.isFinite(primary) ? Number(primary) : 0 };
}

/** What a `reload` request may carry besides its id, unchecked until the Supervisor's reload() checks it. */
type ReloadFields = { env?: unknown } & { [key in ReloadCommandKey]?: unknown };

/**
 * A rolling reload: per slot, the process it retired, its replacement and how long that took to be ready, as the
 * supervisor reports each slot moved. Each slot done is also sent as `reload-progress` (a terminal shows `1/2`).
 */
async function reloadBySlot(
  supervisor: Supervisor,
  id: unknown,
  { env, args, nodeArgs, maxMemoryRestart, killTimeout, listenTimeout }: ReloadFields,
): Promise<ReloadSlot[]> {
  // Taken when this reload begins, not when it was asked for: one queued behind another reload would otherwise count
  // the slots of the size before it.
  const slots = new Map<number, ReloadSlot>();
  const onStart = () => {
    const before = new Map<number, number>();
    for (const worker of supervisor.workers) if (worker.state === 'ready') before.set(worker.instance, worker.pid);
    for (let instance = 0; instance < supervisor.size; instance++) {
      slots.set(instance, { instance, oldPid: before.get(instance) ?? null, newPid: null, readyMs: null });
    }
  };
  let done = 0;
  // From the supervisor, not from the first process of the slot to say ready: a crash restart or a hand-over during
  // the reload is ready too, and the reload retires it when it reaches the slot.
  const onReplaced = ({ instance, oldPid, newPid }: ReloadedSlot) => {
    const startedAt = supervisor.workers.find((w) => w.pid === newPid)?.startedAt;
    const slot = { instance, oldPid, newPid, readyMs: startedAt === undefined ? null : Date.now() - startedAt };
    slots.set(instance, slot);
    done += 1;
    answer({ type: 'reload-progress', id, done, total: slots.size, slot });
  };
  // The Supervisor checks `env` (an object of strings), `args` and `nodeArgs` (arrays of strings), `maxMemoryRestart`
  // (a size or null), `killTimeout` and `listenTimeout` (a duration or null) and refuses the reload otherwise.
  await supervisor.reload({
    onStart,
    onReplaced,
    env: env as Record<string, string> | undefined,
    ...(args !== undefined ? { args: args as string[] } : {}),
    ...(nodeArgs !== undefined ? { nodeArgs: nodeArgs as string[] } : {}),
    ...(maxMemoryRestart !== undefined ? { maxMemoryRestart: maxMemoryRestart as string | null } : {}),
    ...(killTimeout !== undefined ? { killTimeout: killTimeout as string | null } : {}),
    ...(listenTimeout !== undefined ? { listenTimeout: listenTimeout as string | null } : {}),
  });
  return [...slots.values()];
}
