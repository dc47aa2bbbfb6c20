import type { EventEmitter } from 'node:events';
import { DURATION_BUCKETS_MS } from '../pool/pool-stats.js';
import { HTTP_DURATION_BUCKETS_MS, type HttpReport, type MetricsReport, type PoolReport } from '../runtime/protocol.js';
import {
  addHistogram,
  emptyHistogram,
  type HistogramTotals,
  histogramDelta,
  histogramWentDown,
} from './histogram-totals.js';

/**
 * Whether an app event is a restart of its slot in `restarts` (`hive ls`, describe, monit, the dashboard) and
 * `hive_restarts_total`: a crash restart, or a replacement over `maxMemoryRestart` (PM2 counts both). Reloads,
 * scaling and `hive restart` are asked for, and not counted; nor is the restart of a process that retired on a
 * SIGTERM sent to it directly (`retiredBy`), asked for by whoever sent it (PM2, which counts every restart, reloads
 * included, counts it).
 */
export function countsAsRestart(event: { type: string; retiredBy?: unknown }): boolean {
  if (event.type === 'restart') return event.retiredBy === undefined;
  return event.type === 'memory-limit';
}

/** What the aggregator listens to: a Supervisor, seen only through the events and getters it needs. */
export interface MetricsSource extends Pick<EventEmitter, 'on' | 'off'> {
  /** `httpMetrics` false: the app's processes count no HTTP requests (`--no-http-metrics`). */
  readonly options: { name: string; instances?: number; httpMetrics?: boolean };
  readonly state: string;
  /** True while an app that ended by itself is kept up for a reload (Supervisor's `endedKept`): shown `stopped`. */
  readonly endedKept?: boolean;
  /** Slots of the cluster now (after a scale too); 0 before the start, when `options.instances` says it. */
  readonly size?: number;
  /**
   * The live processes. `unresponsive`: its reports stopped (see Supervisor's WorkerInfo); absent means responsive. A
   * report from a process not listed here (one read after its exit) is counted, but its process is not shown live.
   */
  readonly workers: readonly { instance: number; pid: number; state: string; unresponsive?: boolean }[];
  /**
   * Restarts counted before this source's primary started (a daemon's app whose primary was respawned): per slot, and
   * of the primary itself, since `hive reset`. The live views' aggregator adds them to its counts; optional.
   */
  readonly restartsBefore?: RestartsBefore | undefined;
  /**
   * As `restartsBefore`, `hive reset` or not: the Prometheus aggregator's (`sinceStart`), a counter never going down.
   */
  readonly restartsTotalBefore?: RestartsBefore | undefined;
  /** Asks the workers for the app's own prom-client metrics (answered as `app-metrics` events); optional. */
  requestAppMetrics?(id: number): number;
}

/** Restarts per slot, and of the primary itself. */
export interface RestartsBefore {
  readonly slots: ReadonlyMap<number, number>;
  readonly primary: number;
}

/** One slot of the cluster: counters summed over every process that held it, gauges from its newest process. */
export interface InstanceMetrics {
  instance: number;
  /** The newest live process's pid and its last report; undefined while the slot has no live reporting process. */
  pid: number | undefined;
  latest: MetricsReport | undefined;
  /** In flight now, over the slot's processes (a retiring one may still finish requests during a reload). */
  inFlight: number;
  /** Open HTTP connections and upgraded (WebSocket) ones now, over the slot's live processes (as `inFlight`). */
  openConnections: number;
  upgradedConnections: number;
  /** Finished responses by status class [1xx..5xx], since the primary started. */
  classes: [number, number, number, number, number];
  aborted: number;
  cpuSeconds: number;
  /** Restarts of the slot no one asked for ({@link countsAsRestart}). */
  restarts: number;
  /** Per shared pool label, the tasks reported under it by every process that held the slot. */
  pools: ReadonlyMap<string, PoolTotals>;
  /** Response times per method and status class, over every process that held the slot. */
  httpDurations: ReadonlyMap<string, HttpDurationTotals>;
  /**
   * Whether a process of the slot ever reported HTTP counts: false while every report came without (the app turned
   * them off, `--no-http-metrics`), when the HTTP figures above are not zeros but not counted.
   */
  httpCounted: boolean;
}

/** The response times of one method and status class, at HTTP_DURATION_BUCKETS_MS. */
export interface HttpDurationTotals {
  method: string;
  codeClass: string;
  histogram: HistogramTotals;
}

/** A shared pool's tasks over every process of a slot: they keep growing across restarts and reloads. */
export interface PoolTotals {
  completed: number;
  failed: number;
  /** Histograms at DURATION_BUCKETS_MS; `run.sum` is the pool's busy time, in ms. */
  wait: HistogramTotals;
  run: HistogramTotals;
}

interface ProcessEntry {
  pid: number;
  seq: number;
  latest: MetricsReport;
}

interface Slot {
  processes: Map<number, ProcessEntry>;
  /**
   * Recently exited pids (the last MAX_EXITED), each with the requests its last report had in flight when it exited
   * (counted as aborted): a report that arrives after its process's exit adds those it cut off too (#lateCutOff).
   */
  exited: Map<number, number>;
  reported: boolean;
  httpCounted: boolean;
  classes: [number, number, number, number, number];
  aborted: number;
  cpuSeconds: number;
  restarts: number;
  /**
   * Per pool label (PoolReport's `name`), the tasks reported under it: a series counts only its own, so that one
   * never starts high or jumps when a pool's label changes (see #recordPools).
   */
  pools: Map<string, PoolTotals>;
  httpDurations: Map<string, HttpDurationTotals>;
  /**
   * Per process (exited ones until they leave `exited`), its pools' last report by path: they count since the pool
   * started.
   */
  poolBaselines: Map<number, Map<string, PoolReport>>;
}

const MAX_EXITED = 16;
const NOT_COUNTED: Pick<HttpReport, 'classes' | 'aborted' | 'durations'> = { classes: [0, 0, 0, 0, 0], aborted: 0 };

// A pool's report with less of something than its previous one: a new pool (counts since it started).
function startedAgain(pool: PoolReport, before: PoolReport): boolean {
  return (
    pool.completed < before.completed ||
    pool.failed < before.failed ||
    histogramWentDown(pool.wait, before.wait) ||
    histogramWentDown(pool.run, before.run)
  );
}

// The primary's entry after the slots.
const order = (key: number | 'primary'): number => (key === 'primary' ? Number.MAX_SAFE_INTEGER : key);

type SourceEvent = { type: string; instance?: number; pid?: number; retiredBy?: unknown };

/**
 * Folds the workers' per-interval reports into per-instance metrics. Reports carry deltas, so the counters here
 * only grow, per instance, across restarts and reloads (what Prometheus counters must do).
 */
export class MetricsAggregator {
  readonly app: string;
  readonly #source: MetricsSource;
  readonly #slots = new Map<number, Slot>();
  #seq = 0;
  #resetDone = false;
  readonly #sinceStart: boolean;
  readonly #onMetrics = (value: { instance: number; pid: number; report: MetricsReport }) => this.record(value);
  readonly #onEvent = (event: SourceEvent) => this.#event(event);

  /**
   * With `sinceStart` (Prometheus's), the restarts go on from the source's `restartsTotalBefore`, which `hive reset`
   * leaves; else (the live views') from its `restartsBefore`.
   */
  constructor(source: MetricsSource, { sinceStart = false }: { sinceStart?: boolean } = {}) {
    this.#source = source;
    this.#sinceStart = sinceStart;
    this.app = source.options.name;
    source.on('metrics', this.#onMetrics);
    source.on('event', this.#onEvent);
  }

  /** Stops listening to the source. */
  close(): void {
    this.#source.off('metrics', this.#onMetrics);
    this.#source.off('event', this.#onEvent);
  }

  /** Adds one worker report. */
  record({ instance, pid, report }: { instance: number; pid: number; report: MetricsReport }): void {
    const slot = this.#slot(instance);
    slot.reported = true;
    let entry = slot.processes.get(pid);
    // Live by the source's list, not by `exited`: a report read after its process's exit, once MAX_EXITED more exits
    // of the slot had pushed the pid out of `exited`, showed the dead process live again, for good (no exit follows).
    if (entry === undefined && this.#isLive(instance, pid)) {
      // A live process with the pid of one that exited (the pid was reused): nothing of the old one is its own.
      slot.exited.delete(pid);
      slot.poolBaselines.delete(pid);
      entry = { pid, seq: ++this.#seq, latest: report };
      slot.processes.set(pid, entry);
    }
    if (entry) entry.latest = report;
    else this.#lateCutOff(slot, pid, report.http?.inFlight ?? 0);
    // A report without an `http` part: the process counts no requests (`--no-http-metrics`), and adds nothing here.
    if (report.http !== undefined) slot.httpCounted = true;
    const { classes, aborted, durations } = report.http ?? NOT_COUNTED;
    for (let i = 0; i < 5; i++) slot.classes[i as 0] += classes[i as 0];
    slot.aborted += aborted;
    slot.cpuSeconds += report.cpuMs / 1000;
    // The interval's response times, summed as the status classes are.
    for (const d of durations ?? []) {
      const key = `${d.method} ${d.codeClass}`;
      let totals = slot.httpDurations.get(key);
      if (totals === undefined) {
        totals = {
          method: d.method,
          codeClass: d.codeClass,
          histogram: emptyHistogram(HTTP_DURATION_BUCKETS_MS.length),
        };
        slot.httpDurations.set(key, totals);
      }
      addHistogram(totals.histogram, d);
    }
    // A late report of a process forgotten since: its pools' baselines went with it, so their counts since the pool
    // started would be counted again from 0. Left out instead (only what it did since its previous report is lost).
    if (entry !== undefined || slot.exited.has(pid)) this.#recordPools(slot, pid, report.pools);
  }

  #isLive(instance: number, pid: number): boolean {
    return this.#source.workers.some((w) => w.pid === pid && w.instance === instance);
  }

  // Pools report counts since they started; the differences from the process's previous report add up per slot.
  // The difference is taken by pool (its path) and added to the series of its label in this report: a pool relabelled
  // by a second one of its file name (or back, in a process without it) goes on in the new series from 0, and the
  // old series stays where it was. Moving its totals with it instead made the new series start with tasks the old one
  // had counted, and one label come back higher by what another had counted meanwhile: both counted twice by
  // increase(), while here every series only grows by its own tasks and the series still sum to the pool's.
  #recordPools(slot: Slot, pid: number, pools: PoolReport[]): void {
    let baselines = slot.poolBaselines.get(pid);
    if (baselines === undefined) {
      baselines = new Map();
      slot.poolBaselines.set(pid, baselines);
    }
    for (const pool of pools) {
      // A pool whose label changed (another of its file name was created) is the same pool: its baseline holds. By
      // its id, not its path: a pool made again for a closed one's task file starts from 0 (its tasks add to what the
      // old one reported), and the closed one, still reported, keeps its own baseline.
      const key = pool.id !== undefined ? `#${pool.id}` : (pool.path ?? pool.name);
      let totals = slot.pools.get(pool.name);
      if (totals === undefined) {
        const size = DURATION_BUCKETS_MS.length;
        totals = { completed: 0, failed: 0, wait: emptyHistogram(size), run: emptyHistogram(size) };
        slot.pools.set(pool.name, totals);
      }
      let before = baselines.get(key);
      // Fewer than before (a report without ids): the process closed the pool and made a new one of the same task
      // file. Any count that went down says so, or a difference would be negative: a counter going backwards.
      if (before && startedAgain(pool, before)) before = undefined;
      totals.completed += pool.completed - (before?.completed ?? 0);
      totals.failed += pool.failed - (before?.failed ?? 0);
      addHistogram(totals.wait, histogramDelta(pool.wait, before?.wait));
      addHistogram(totals.run, histogramDelta(pool.run, before?.run));
      baselines.set(key, pool);
    }
  }

  /** Per-instance metrics, for every instance that ever reported, by instance number. */
  instances(): InstanceMetrics[] {
    const out: InstanceMetrics[] = [];
    for (const [instance, slot] of [...this.#slots].sort((a, b) => a[0] - b[0])) {
      let newest: ProcessEntry | undefined;
      let inFlight = 0;
      let openConnections = 0;
      let upgradedConnections = 0;
      for (const entry of slot.processes.values()) {
        inFlight += entry.latest.http?.inFlight ?? 0;
        openConnections += entry.latest.http?.openConnections ?? 0;
        upgradedConnections += entry.latest.http?.upgradedConnections ?? 0;
        if (newest === undefined || entry.seq > newest.seq) newest = entry;
      }
      if (!slot.reported) continue;
      const { classes, aborted, cpuSeconds, restarts, pools, httpDurations, httpCounted } = slot;
      const { pid, latest } = newest ?? {};
      out.push({
        instance,
        pid,
        latest,
        inFlight,
        openConnections,
        upgradedConnections,
        classes,
        aborted,
        cpuSeconds,
        restarts,
        pools,
        httpDurations,
        httpCounted,
      });
    }
    return out;
  }

  /** Workers ready to serve now. */
  get readyWorkers(): number {
    return this.#source.workers.filter((w) => w.state === 'ready').length;
  }

  /** Ready workers marked unresponsive now (their event loop looks blocked). */
  get unresponsiveWorkers(): number {
    return this.#source.workers.filter((w) => w.state === 'ready' && w.unresponsive === true).length;
  }

  /** Per slot with a ready worker, by instance number: whether one of its ready workers is unresponsive. */
  unresponsiveSlots(): Map<number, boolean> {
    const slots = new Map<number, boolean>();
    for (const w of this.#source.workers) {
      if (w.state === 'ready') slots.set(w.instance, slots.get(w.instance) === true || w.unresponsive === true);
    }
    return new Map([...slots].sort((a, b) => a[0] - b[0]));
  }

  /** App processes the app should have (its slots), ready or not: `hive_workers_ready` below it is an alert. */
  get desiredWorkers(): number {
    return this.#source.size || this.#source.options.instances || 0;
  }

  /**
   * The app's state (the Supervisor's `AppState`: starting, online, reloading, errored, stopping, stopped); `stopped`
   * too for an app that ended by itself and is kept up for a reload (`hive run --watch`).
   */
  get state(): string {
    return this.#source.endedKept === true ? 'stopped' : this.#source.state;
  }

  /**
   * Restarts per slot (slots with no live process included), and under `primary` the respawns of the app's primary
   * (a daemon's app, see {@link MetricsSource.restartsBefore}): their sum is the app's count of `hive ls`, plus, with
   * `sinceStart`, the restarts a `hive reset` took from it.
   */
  restarts(): Map<number | 'primary', number> {
    const source = this.#source;
    const before = this.#sinceStart ? source.restartsTotalBefore : this.#resetDone ? undefined : source.restartsBefore;
    const counts = new Map<number | 'primary', number>(before?.slots ?? []);
    for (const [instance, slot] of this.#slots) counts.set(instance, (counts.get(instance) ?? 0) + slot.restarts);
    if (before?.primary) counts.set('primary', before.primary);
    return new Map([...counts].sort((a, b) => order(a[0]) - order(b[0])));
  }

  /** Zeroes every slot's restart count (`hive reset`), those from before the primary too; the others keep growing. */
  resetRestarts(): void {
    this.#resetDone = true;
    for (const slot of this.#slots.values()) slot.restarts = 0;
  }

  /** True unless the app is stopping or stopped. */
  get running(): boolean {
    return this.#source.state !== 'stopping' && this.#source.state !== 'stopped';
  }

  #event(event: SourceEvent): void {
    if (event.instance === undefined) return;
    if (countsAsRestart(event)) this.#slot(event.instance).restarts++;
    else if (event.type === 'exit' && event.pid !== undefined) {
      const slot = this.#slot(event.instance);
      // What its last report had in flight was cut off by the exit (a crash, a SIGKILL past killTimeout): aborted. A
      // process that retired by itself sent a last report after its drain, read before its exit (the flush of
      // runtime/shutdown.ts waits for the primary's answer), with what is left in flight then: none after a drain.
      const cutOff = slot.processes.get(event.pid)?.latest.http?.inFlight ?? 0;
      slot.aborted += cutOff;
      slot.processes.delete(event.pid);
      slot.exited.set(event.pid, cutOff);
      if (slot.exited.size > MAX_EXITED) {
        const forgotten = slot.exited.keys().next().value!;
        slot.exited.delete(forgotten);
        slot.poolBaselines.delete(forgotten);
      }
    }
  }

  // A report of a process that died is read after its exit at times (it was on its way): it is newer than the one
  // whose in-flight requests the exit counted, so more of them in it were cut off too. Fewer cannot be taken back (a
  // counter never goes down); those finished in between are then counted twice, in their class and as aborted.
  #lateCutOff(slot: Slot, pid: number, inFlight: number): void {
    const counted = slot.exited.get(pid);
    if (counted === undefined || inFlight <= counted) return;
    slot.aborted += inFlight - counted;
    slot.exited.set(pid, inFlight);
  }

  #slot(instance: number): Slot {
    let slot = this.#slots.get(instance);
    if (slot === undefined) {
      slot = {
        processes: new Map(),
        exited: new Map(),
        reported: false,
        httpCounted: false,
        classes: [0, 0, 0, 0, 0],
        aborted: 0,
        cpuSeconds: 0,
        restarts: 0,
        pools: new Map(),
        httpDurations: new Map(),
        poolBaselines: new Map(),
      };
      this.#slots.set(instance, slot);
    }
    return slot;
  }
}
