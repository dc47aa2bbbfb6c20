import { hostname } from 'node:os';
import { memoryLimitText } from '../cluster/memory-limit-text.js';
import { unresponsiveText } from '../cluster/unresponsive-text.js';
import type { MetricsReport, PoolReport, RequestSample } from '../runtime/protocol.js';
import { MetricsAggregator, type MetricsSource } from './aggregator.js';

/**
 * A shared pool as the live views show it: the newest report's figures, `utilization` over its interval (the
 * histograms stay with /metrics, which keeps the snapshots small).
 */
export type PoolSnapshot = Pick<
  PoolReport,
  'name' | 'threads' | 'busy' | 'queued' | 'completed' | 'failed' | 'utilization' | 'waitP99' | 'runP99'
>;

/** One slot of an app's cluster, as the live views show it. Rates per second, durations in ms, sizes in bytes. */
export interface InstanceSnapshot {
  instance: number;
  /**
   * The slot's live process, null while it has none (restarting, errored). During a reload or a memory replacement,
   * the old process until its replacement has sent its first report (about a second after its start); if the old one
   * exited before that, the replacement, with the old one's last rates (`reqRate`, `errorRate`, the latencies).
   */
  pid: number | null;
  /**
   * The worker's state (`starting`, `ready`, `draining`, ...); without a live process `restarting` (a crash restart
   * waits for its delay), `errored` (the slot crash-looped and is not restarted) or `down` (left down by
   * `autorestart: false` or `stopExitCodes`).
   */
  state: string;
  /** Milliseconds since the live process started; 0 without one. */
  uptime: number;
  /**
   * The live process is marked unresponsive (no report for 3 report intervals: its event loop looks blocked; its
   * state stays `ready`, and the figures below are its last report's). Absent from an older daemon's snapshot.
   */
  unresponsive?: boolean;
  /** Values of the newest report; null before the first one. */
  cpu: number | null;
  rss: number | null;
  heapUsed: number | null;
  heapTotal: number | null;
  elu: number | null;
  loopDelayP50: number | null;
  loopDelayP99: number | null;
  /**
   * Responses per second over the newest report's interval; null when the app counts no HTTP requests
   * (`--no-http-metrics`), or when nothing counts them (under the daemon, a fork-mode app's slot, or a slot shown from
   * what the daemon knows): not counted, which 0 would pass off as no traffic. The same null in `errorRate`,
   * `latencyP50`, `latencyP99`, `inFlight` and `classes` then, and no `upgradedConnections`.
   */
  reqRate: number | null;
  /** 5xx responses and aborted requests per second over the same interval. */
  errorRate: number | null;
  latencyP50: number | null;
  latencyP99: number | null;
  inFlight: number | null;
  /**
   * Upgraded (WebSocket) connections open now, over the slot's processes (http_upgraded_connections); absent from an
   * older daemon's snapshot, and when the app counts no HTTP requests (`--no-http-metrics`: its reports carry no
   * count, which 0 would pass off as no open WebSocket).
   */
  upgradedConnections?: number;
  /**
   * Responses by status class [1xx..5xx] since the primary started (summed over the slot's processes); null when the
   * app counts no HTTP requests (`--no-http-metrics`), as `reqRate` is: five zeros would pass off as no traffic.
   */
  classes: [number, number, number, number, number] | null;
  restarts: number;
  /** How the slot's last process ended (epoch ms, exit code or signal); null while none has. */
  lastExit: SlotExit | null;
  pools: PoolSnapshot[];
}

/** The end of a slot's process. */
export interface SlotExit {
  time: number;
  code: number | null;
  signal: string | null;
  /** Why the primary killed it before it became ready (a listen timeout, a pool's task module that failed to load). */
  notReady?: string;
}

/** A process's `exit` event as its slot's last exit, stamped now. */
export function slotExitOf(event: { code?: number | null; signal?: string | null; notReady?: string }): SlotExit {
  const exit: SlotExit = { time: Date.now(), code: event.code ?? null, signal: event.signal ?? null };
  return event.notReady === undefined ? exit : { ...exit, notReady: event.notReady };
}

/** Something that happened to an app, for the time axis of the live views. */
export interface AppEvent {
  /** Epoch ms. */
  time: number;
  // `primary`: the app's primary died and the daemon restarts it (or gave up: the app is errored).
  type:
    | 'restart'
    | 'exit'
    | 'errored'
    | 'reload'
    | 'scale'
    | 'memory-limit'
    | 'killed'
    | 'unresponsive'
    | 'state'
    | 'warning'
    | 'primary';
  instance: number | null;
  /** One line for people. */
  text: string;
  /** On an `unresponsive` event: true when a process was marked, false when it reported again (no alarm then). */
  unresponsive?: boolean;
}

/** The fields of a supervisor event's {@link AppEvent} beyond its type and text: an `unresponsive` one's mark. */
export function eventMark(event: { type: string; unresponsive?: unknown }): Pick<AppEvent, 'unresponsive'> {
  return event.type === 'unresponsive' ? { unresponsive: event.unresponsive === true } : {};
}

/** A sampled request, with the slot and process that served it. */
export interface SampledRequest extends RequestSample {
  instance: number;
  pid: number;
}

/** One app as the live views (dashboard, `hive monit`) show it. */
export interface AppSnapshot {
  name: string;
  /** The app's state (`starting`, `online`, `reloading`, `errored`, `stopping`, `stopped`). */
  state: string;
  /** Slots asked for, and workers ready now. */
  size: number;
  ready: number;
  /** Sums over the instances; null when they count no HTTP requests (`--no-http-metrics`, a fork-mode app). */
  reqRate: number | null;
  errorRate: number | null;
  /**
   * Restarts no one asked for: the instances' and, under the daemon, the respawns of the app's primary; the count
   * `hive ls` shows (since the app was added, or the last `hive reset`).
   */
  restarts: number;
  instances: InstanceSnapshot[];
  /** The most recent events, oldest first. */
  events: AppEvent[];
  /** The most recent sampled requests, oldest first (empty unless request sampling is on). */
  requests: SampledRequest[];
  /**
   * Under the daemon: why the app last failed (`hive describe`'s `last error`), null when nothing did since its start;
   * the live views show it while the app is `errored` or `starting` again, or its last reload failed (`reloadFailed`). Absent from `hive run`'s own views.
   */
  lastError?: string | null;
  /**
   * Under the daemon: the app's last reload failed, so its processes run older code than its files (`hive ls`'s
   * `online (reload failed)`); `lastError` says why, and the live views show it while this is true. Absent from
   * `hive run`'s own views.
   */
  reloadFailed?: boolean;
  /**
   * Under the daemon: the app's primary does not answer it (frozen, or its event loop blocked; see
   * daemon/primary-watch.ts), so what this shows of its processes is the last it gave. Absent from `hive run`'s own
   * views.
   */
  primaryUnresponsive?: boolean;
  /**
   * Under the daemon, while the app's primary is marked unresponsive: this is the last snapshot it gave (its workers,
   * rates and requests as they were then; the daemon's restarts and events are current), given at this time (epoch
   * ms). The daemon does not ask such a primary, so the views are not held up waiting for it. Absent otherwise.
   */
  asOf?: number;
}

/** Everything the live views show at one instant. */
export interface HiveSnapshot {
  /** Epoch ms. */
  time: number;
  host: string;
  apps: AppSnapshot[];
}

/** Where the live views read snapshots from: a primary in this process, or the daemon over its socket. */
export interface SnapshotSource {
  snapshot(): Promise<HiveSnapshot>;
}

/** What {@link AppSnapshotCollector} needs of a supervisor, beyond what the aggregator reads. */
export interface SnapshotSupervisor extends MetricsSource {
  readonly size: number;
  readonly workers: readonly {
    instance: number;
    pid: number;
    state: string;
    startedAt: number;
    unresponsive?: boolean;
  }[];
  /**
   * The cluster's slots, a row each in the snapshot (one with no live process too: errored, waiting to restart);
   * a slot a scale-down removed is not one. Without it, the slots are those of the live workers.
   */
  readonly slots?: readonly { instance: number; state: string }[];
}

type SourceEvent = { type: string; [key: string]: unknown };

/** A slot's request figures over a stretch of its traffic. */
type SlotRates = Pick<InstanceSnapshot, 'reqRate' | 'errorRate' | 'latencyP50' | 'latencyP99'>;

/**
 * A slot's process that exited while its replacement (`successor`) lived: the rates of its last reports, which the
 * slot's row shows until the successor's first report. Null when it never reported.
 */
interface Retired {
  successor: number;
  rates: SlotRates | null;
}

const MAX_EVENTS = 100;
const MAX_REQUESTS = 50;

/**
 * Keeps what the live views show of one supervised app: the aggregator's per-instance metrics, plus rings of recent
 * events and sampled requests. It only listens to events the supervisor emits anyway; a snapshot is built on demand.
 */
export class AppSnapshotCollector {
  readonly #source: SnapshotSupervisor;
  readonly #aggregator: MetricsAggregator;
  readonly #events: AppEvent[] = [];
  readonly #requests: SampledRequest[] = [];
  readonly #lastExits = new Map<number, SlotExit>();
  /** Per live pid, its last two reports (older first), for {@link Retired}. */
  readonly #reports = new Map<number, MetricsReport[]>();
  /** Per slot, its last process to exit during a hand-over (a reload, a memory replacement). */
  readonly #retired = new Map<number, Retired>();
  readonly #onEvent = (event: SourceEvent) => this.#event(event);
  readonly #onMetrics = ({ instance, pid, report }: { instance: number; pid: number; report: MetricsReport }) => {
    const known = this.#reports.get(pid);
    // A report read after its process's exit is left out: its pid is no longer the slot's.
    if (known !== undefined || this.#source.workers.some((w) => w.pid === pid && w.instance === instance)) {
      this.#reports.set(pid, [...(known ?? []), report].slice(-2));
    }
    if (report.samples === undefined) return;
    for (const sample of report.samples) this.#requests.push({ ...sample, instance, pid });
    if (this.#requests.length > MAX_REQUESTS) this.#requests.splice(0, this.#requests.length - MAX_REQUESTS);
  };

  constructor(source: SnapshotSupervisor) {
    this.#source = source;
    this.#aggregator = new MetricsAggregator(source);
    source.on('event', this.#onEvent);
    source.on('metrics', this.#onMetrics);
  }

  /** Stops listening to the supervisor. */
  close(): void {
    this.#aggregator.close();
    this.#source.off('event', this.#onEvent);
    this.#source.off('metrics', this.#onMetrics);
  }

  /**
   * Zeroes the per-slot restarts the live views show (`hive reset`). Only this collector's: the Prometheus
   * `hive_restarts_total` comes from another aggregator, as a counter must never go down.
   */
  resetRestarts(): void {
    this.#aggregator.resetRestarts();
  }

  /** The app now. */
  snapshot(): AppSnapshot {
    const now = Date.now();
    const metrics = new Map(this.#aggregator.instances().map((m) => [m.instance, m]));
    // Per slot, the process its row shows: the newest that has reported, while it lives; else the newest. A reload's
    // (or a memory replacement's) new process has no figures until its first report, while the old one still serves:
    // showing the new one at once made the slot's row, and the app's req/s, drop to nothing for that while.
    const workers = new Map<number, SnapshotSupervisor['workers'][number]>();
    for (const w of this.#source.workers) {
      const shown = workers.get(w.instance);
      const reporting = metrics.get(w.instance)?.pid;
      if (shown === undefined || (shown.pid !== reporting && (w.pid === reporting || w.startedAt >= shown.startedAt)))
        workers.set(w.instance, w);
    }
    const restarts = this.#aggregator.restarts();
    // The slots, not every instance that ever reported: one a scale-down retired is gone from the views, and one that
    // crash-looped before its first report is shown all the same.
    const slots = new Map<number, string>(
      (this.#source.slots ?? [...workers.keys()].map((instance) => ({ instance, state: 'live' }))).map((slot) => [
        slot.instance,
        slot.state,
      ]),
    );
    const notCounted = this.#source.options.httpMetrics === false;
    const instances: InstanceSnapshot[] = [];
    for (const [instance, slotState] of [...slots].sort((a, b) => a[0] - b[0])) {
      const worker = workers.get(instance);
      const m = metrics.get(instance);
      const latest = worker !== undefined && m?.pid === worker.pid ? m.latest : undefined;
      const seconds = latest ? latest.intervalMs / 1000 : 0;
      const http = latest?.http;
      // Not counted: the process's report says so (no `http` part), or, before its first, the app's option.
      const counted = latest ? http !== undefined : !notCounted;
      const served = http ? http.classes.reduce((a, b) => a + b, 0) : 0;
      const failed = http ? http.classes[4] + http.aborted : 0;
      // A hand-over's successor before its first report: its predecessor may have drained and exited already (a fast
      // reload ends well within a report interval). Its own 0 was not measured, and the slot's traffic went on: the
      // row keeps the predecessor's last rates (null if it had none), so the app's req/s does not drop to 0 meanwhile.
      const retired = this.#retired.get(instance);
      const carried =
        counted && latest === undefined && worker !== undefined && retired?.successor === worker.pid
          ? (retired.rates ?? { reqRate: null, errorRate: null, latencyP50: null, latencyP99: null })
          : undefined;
      instances.push({
        instance,
        pid: worker?.pid ?? null,
        state: worker?.state ?? (slotState === 'live' ? 'down' : slotState),
        uptime: worker ? now - worker.startedAt : 0,
        unresponsive: worker?.unresponsive === true,
        cpu: latest?.cpuPercent ?? null,
        rss: latest?.rss ?? null,
        heapUsed: latest?.heapUsed ?? null,
        heapTotal: latest?.heapTotal ?? null,
        elu: latest?.elu ?? null,
        loopDelayP50: latest?.loopDelayP50 ?? null,
        loopDelayP99: latest?.loopDelayP99 ?? null,
        reqRate: !counted ? null : seconds > 0 ? served / seconds : 0,
        errorRate: !counted ? null : seconds > 0 ? failed / seconds : 0,
        latencyP50: http?.latencyP50 ?? null,
        latencyP99: http?.latencyP99 ?? null,
        ...carried,
        inFlight: !counted ? null : (m?.inFlight ?? 0),
        upgradedConnections: counted ? (m?.upgradedConnections ?? 0) : undefined,
        classes: !counted ? null : m ? [...m.classes] : [0, 0, 0, 0, 0],
        restarts: restarts.get(instance) ?? 0,
        lastExit: this.#lastExits.get(instance) ?? null,
        pools: (latest?.pools ?? []).map(
          ({ name, threads, busy, queued, completed, failed, utilization, waitP99, runP99 }) => ({
            name,
            threads,
            busy,
            queued,
            completed,
            failed,
            utilization,
            waitP99,
            runP99,
          }),
        ),
      });
    }
    return {
      name: this.#aggregator.app,
      state: this.#aggregator.state,
      size: this.#source.size,
      ready: this.#aggregator.readyWorkers,
      reqRate: appRate(instances, 'reqRate', notCounted),
      errorRate: appRate(instances, 'errorRate', notCounted),
      restarts: [...restarts.values()].reduce((sum, count) => sum + count, 0),
      instances,
      events: [...this.#events],
      requests: [...this.#requests],
    };
  }

  #event(event: SourceEvent): void {
    if (event.type === 'exit' && typeof event.instance === 'number') {
      this.#lastExits.set(event.instance, slotExitOf(event as Parameters<typeof slotExitOf>[0]));
      this.#retire(event.instance, event.pid);
    }
    const text = describeEvent(event);
    if (text === undefined) return;
    const instance = typeof event.instance === 'number' ? event.instance : null;
    this.#events.push({ time: Date.now(), type: event.type as AppEvent['type'], instance, text, ...eventMark(event) });
    if (this.#events.length > MAX_EVENTS) this.#events.shift();
  }

  // Remembers the rates of a process that exits while its slot has another live one (its replacement). A crash's
  // replacement, forked after a gap with no process, carries nothing: the slot served nothing meanwhile.
  #retire(instance: number, pid: unknown): void {
    const reports = typeof pid === 'number' ? this.#reports.get(pid) : undefined;
    if (typeof pid === 'number') this.#reports.delete(pid);
    const successor = this.#source.workers.find((w) => w.instance === instance && w.pid !== pid);
    if (successor === undefined) {
      this.#retired.delete(instance);
      return;
    }
    const before = this.#retired.get(instance);
    // A successor replaced in turn before its first report hands on the rates it was shown with.
    const rates =
      reports !== undefined
        ? slotRates(reports)
        : before !== undefined && before.successor === pid
          ? before.rates
          : null;
    this.#retired.set(instance, { successor: successor.pid, rates });
  }
}

// Over a process's last two reports: its last one, sent after its drain, may cover a short stretch of little traffic.
function slotRates(reports: MetricsReport[]): SlotRates | null {
  const counted = reports.filter((r) => r.http !== undefined);
  const seconds = counted.reduce((sum, r) => sum + r.intervalMs, 0) / 1000;
  if (seconds <= 0) return null;
  let served = 0;
  let failed = 0;
  for (const { http } of counted) {
    served += http!.classes.reduce((a, b) => a + b, 0);
    failed += http!.classes[4] + http!.aborted;
  }
  // The latencies of the newest report with a response (0 stands for none in a report).
  const timed = counted.findLast((r) => r.http!.classes.some((n) => n > 0))?.http ?? counted.at(-1)!.http!;
  return {
    reqRate: served / seconds,
    errorRate: failed / seconds,
    latencyP50: timed.latencyP50,
    latencyP99: timed.latencyP99,
  };
}

// The instances' sum; null when none counts requests (`--no-http-metrics`: the app's option, or every report says so).
function appRate(instances: InstanceSnapshot[], key: 'reqRate' | 'errorRate', notCounted: boolean): number | null {
  const counted = instances.filter((i) => i[key] !== null);
  if (counted.length === 0 && (notCounted || instances.length > 0)) return null;
  return counted.reduce((sum, i) => sum + (i[key] ?? 0), 0);
}

/** A supervisor event as one line, or undefined for the ones the time axis leaves out (worker state changes). */
function describeEvent(event: SourceEvent): string | undefined {
  const e = event as Record<string, unknown>;
  switch (event.type) {
    case 'restart':
      if (e.retiredBy !== undefined) return `worker ${e.instance} restarting (it retired on ${e.retiredBy})`;
      return `worker ${e.instance} restarting (attempt ${e.attempt}, in ${e.delay} ms)`;
    case 'exit': {
      const how = e.signal ? `on ${e.signal}` : `with code ${e.code}`;
      return `worker ${e.instance} (pid ${e.pid}) exited ${how}${e.retiredBy ? ` (retired on ${e.retiredBy})` : ''}`;
    }
    case 'errored':
      return `worker ${e.instance} crash-looped and was stopped`;
    case 'reload':
      return e.phase === 'aborted' ? `reload aborted: ${e.reason}` : `reload ${e.phase}`;
    case 'scale':
      return `scaled from ${e.from} to ${e.to}`;
    case 'memory-limit':
      return `${memoryLimitText({ instance: Number(e.instance), rss: Number(e.rss), limit: Number(e.limit) })}; replaced`;
    case 'killed':
      return `worker ${e.instance} (pid ${e.pid}) killed after killTimeout`;
    case 'unresponsive':
      return unresponsiveText({
        instance: Number(e.instance),
        pid: Number(e.pid),
        unresponsive: e.unresponsive === true,
        silentMs: Number(e.silentMs),
      });
    case 'state':
      return `app ${e.state}`;
    case 'warning':
      return String(e.message);
    default:
      return undefined;
  }
}

/** A snapshot source over collectors in this process (`hive run --dashboard`). */
export function localSnapshotSource(collectors: readonly AppSnapshotCollector[]): SnapshotSource {
  return {
    snapshot: async () => ({ time: Date.now(), host: hostname(), apps: collectors.map((c) => c.snapshot()) }),
  };
}
