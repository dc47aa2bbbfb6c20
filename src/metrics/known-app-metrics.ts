import type { AppMetric, AppValue } from './app-metrics.js';
import { APP_STATES, familyHeader } from './prometheus.js';

/** What the daemon knows of an app whose primary cannot be asked (fork mode, no primary up, or one not answering). */
export interface KnownApp {
  app: string;
  /** The app's state (AppInfo's status). */
  state: string;
  desiredWorkers: number;
  readyWorkers: number;
  /** When its primary started, ms since the epoch; undefined with none up. */
  primaryStartedAt: number | undefined;
  /** Restarts per slot, and the primary's respawns under `primary`, never reset (hive_restarts_total). */
  restarts: ReadonlyMap<number | 'primary', number>;
  /**
   * Per slot, its live process read from /proc: cpuSeconds summed over every process the slot had (a counter); in fork
   * mode also each slot that had one and has none now, with its cpuSeconds and a null memory.
   */
  processes: readonly { slot: number; cpuSeconds: number; memory: number | null }[];
}

const family = (name: string, values: AppValue[]): AppMetric => ({
  name,
  ...familyHeader(name),
  aggregator: 'sum',
  values,
});

/**
 * Hive's families for an app the daemon describes itself, as prom-client's JSON, named, explained and labelled (`app`,
 * `slot`) as a primary's registry does (prometheus.ts), so that the daemon's merge makes one family of both. Only what
 * the daemon sees from outside: no HTTP, heap, event-loop or pool families.
 */
export function knownAppMetrics(known: KnownApp): AppMetric[] {
  const app = known.app;
  const running = known.state !== 'stopping' && known.state !== 'stopped';
  const perSlot = (read: (p: KnownApp['processes'][number]) => number | null): AppValue[] =>
    known.processes.flatMap((p) => {
      const value = read(p);
      return value === null ? [] : [{ labels: { app, slot: p.slot }, value }];
    });
  const families = [
    family(
      'process_cpu_seconds_total',
      perSlot((p) => p.cpuSeconds),
    ),
    family(
      'process_resident_memory_bytes',
      perSlot((p) => p.memory),
    ),
    ...appGauges(known, running),
    family(
      'process_start_time_seconds',
      known.primaryStartedAt === undefined
        ? []
        : [{ labels: { app }, value: Math.round(known.primaryStartedAt) / 1000 }],
    ),
    family(
      'hive_restarts_total',
      [...known.restarts].map(([slot, value]) => ({ labels: { app, slot }, value })),
    ),
  ];
  return families.filter((f) => f.values.length > 0);
}

/**
 * The app's gauges of a cluster app whose primary did not answer the scrape: `hive_up` 0, its state, and its ready and
 * desired processes as the daemon last saw them. Not its counters nor its start time: the daemon's figures of them
 * differ from its primary's (CPU read from /proc, its own clock), and would jump in the series when the primary
 * answers again.
 */
export function unansweredAppMetrics(known: KnownApp): AppMetric[] {
  return appGauges(known, false);
}

function appGauges(known: KnownApp, up: boolean): AppMetric[] {
  const app = known.app;
  return [
    family('hive_workers_ready', [{ labels: { app }, value: known.readyWorkers }]),
    family('hive_workers_desired', [{ labels: { app }, value: known.desiredWorkers }]),
    family(
      'hive_app_state',
      APP_STATES.map((state) => ({ labels: { app, state }, value: known.state === state ? 1 : 0 })),
    ),
    family('hive_up', [{ labels: { app }, value: up ? 1 : 0 }]),
  ];
}
