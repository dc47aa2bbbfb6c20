import type { EventEmitter } from 'node:events';
import { type Aggregator, AggregatorRegistry } from 'prom-client';
import { NewestBuckets } from './histogram-buckets.js';

/** One value of a metric family of prom-client's `getMetricsAsJSON()` (`metricName` for histograms and summaries). */
export interface AppValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** One metric family of prom-client's `getMetricsAsJSON()`. */
export interface AppMetric {
  name: string;
  help: string;
  type: string;
  aggregator?: string;
  values: AppValue[];
}

/** A supervisor as seen by {@link AppMetricsCollector}: it asks its workers, and says when one exits. */
export interface AppMetricsSource extends Pick<EventEmitter, 'on' | 'off'> {
  requestAppMetrics(id: number): number;
}

/** A family as the runtime (or a primary) sends it: NaN and ±Infinity as strings ('NaN', 'Infinity', '-Infinity'). */
export type SentMetric = Omit<AppMetric, 'values'> & {
  values: (Omit<AppValue, 'value'> & { value: number | string })[];
};

interface AppMetricsAnswer {
  pid: number;
  id: number;
  metrics: SentMetric[] | null;
  /** A retiring process's last metrics, sent unasked before its exit. */
  final?: true;
}

// Recently exited pids: an answer that arrives after its process's exit must not bring the process back.
const MAX_EXITED = 64;

// The aggregators prom-client's merge knows (its `Aggregator` type).
const AGGREGATORS: ReadonlySet<string> = new Set<Aggregator>(['sum', 'first', 'min', 'max', 'average', 'omit']);

// A sample line (not a comment) whose value is prom-client's `Nan`.
const NAN_SAMPLE = /^([^#\n].* )Nan$/gm;

let nextId = 0;

/**
 * The app's own prom-client metrics (its default registry) from every ready worker, merged the way prom-client's
 * AggregatorRegistry merges a cluster (counters and histograms summed per label set; gauges summed unless the metric
 * names another aggregator), in Prometheus text. Families named in `exclude` (Hive's own) are dropped, since one
 * exposition must not hold a family twice.
 *
 * Unlike AggregatorRegistry, a sum does not go down when a process leaves it: Prometheus reads a counter that drops
 * as a reset and would count everything again. A process that does not answer within `timeoutMs` (a busy loop), or
 * is draining during a reload, keeps its counters and histograms of its last answer in the sum; one that exits has
 * them folded into a sum of retired processes, which later scrapes keep adding. A retiring process's last answer is
 * one it sends unasked before its exit (runtime/final-app-metrics.ts), so that its counts since the last scrape stay.
 *
 * A histogram is exposed with the bounds of the newest process that has had it (see {@link NewestBuckets}): the series
 * of processes with other bounds, live or retired, are left out, and the retired sums start anew from the new bounds.
 */
export class AppMetricsCollector {
  readonly #source: AppMetricsSource;
  readonly #exclude: Set<string>;
  readonly #timeoutMs: number;
  /** Per live process, its last answer. */
  readonly #last = new Map<number, AppMetric[]>();
  /** Per live process, the order of its first answer. */
  readonly #order = new Map<number, number>();
  #answeredProcesses = 0;
  readonly #buckets = new NewestBuckets();
  readonly #exited = new Set<number>();
  /** Live processes whose final answer came: an older one, of a scrape still waiting for slower processes, is late. */
  readonly #finished = new Set<number>();
  /** The monotonic families of exited processes, summed: family name -> family, value key -> value. */
  readonly #retired = new Map<string, { family: AppMetric; values: Map<string, AppValue> }>();
  /** The round of questions in flight, which a scrape that comes meanwhile shares. */
  #asking: Promise<Map<number, AppMetric[]>> | undefined;
  readonly #onEvent = (event: { type: string; pid?: number }) => {
    if (event.type === 'exit' && event.pid !== undefined) this.#retire(event.pid);
  };
  // Read before the process's exit (its runtime waits for the primary's flush after sending it): the exit then keeps
  // these counts, not those of the last scrape.
  readonly #onFinal = (answer: AppMetricsAnswer) => {
    if (answer.final && answer.metrics) this.#answered(answer.pid, this.#own(answer.metrics), true);
  };

  constructor(source: AppMetricsSource, exclude: Set<string>, timeoutMs: number) {
    this.#source = source;
    this.#exclude = exclude;
    this.#timeoutMs = timeoutMs;
    source.on('event', this.#onEvent);
    source.on('app-metrics', this.#onFinal);
  }

  /** Stops listening to the source. */
  close(): void {
    this.#source.off('event', this.#onEvent);
    this.#source.off('app-metrics', this.#onFinal);
  }

  /** Asks the ready workers and resolves with the merged text ('' when the app has no metrics of its own). */
  async collect(): Promise<string> {
    const lists = await this.#lists();
    return lists.every((list) => list.length === 0) ? '' : aggregatedText(lists);
  }

  /** As {@link collect}, the merged families as prom-client's JSON (for the daemon's endpoint, which merges apps). */
  async collectJson(): Promise<AppMetric[]> {
    const lists = await this.#lists();
    if (lists.every((list) => list.length === 0)) return [];
    // prom-client types `type` as an enum; its values are the strings AppMetric holds.
    return (await aggregate(lists).getMetricsAsJSON()) as unknown as AppMetric[];
  }

  async #lists(): Promise<AppMetric[][]> {
    const answered = await this.#ask();
    for (const [pid, metrics] of answered) this.#answered(pid, metrics);
    const fits = (family: AppMetric) => this.#buckets.fits(family);
    // Retired sums of a histogram whose bounds the newest process no longer has cannot take its counts: the family
    // starts anew from the new bounds, a counter reset that Prometheus handles.
    for (const family of this.#retiredList()) if (!fits(family)) this.#retired.delete(family.name);
    const lists: AppMetric[][] = [];
    for (const [pid, metrics] of this.#last)
      lists.push((answered.has(pid) ? metrics : monotonic(metrics)).filter(fits));
    if (this.#retired.size > 0) lists.push(this.#retiredList());
    return lists;
  }

  // Scrapes that overlap share one round of questions: each would ask every process over IPC again, and hold a
  // listener on the source of its own (Node warns of a leak past 10 of them, at every burst of a busy scraper).
  #ask(): Promise<Map<number, AppMetric[]>> {
    this.#asking ??= this.#askProcesses().finally(() => {
      this.#asking = undefined;
    });
    return this.#asking;
  }

  #askProcesses(): Promise<Map<number, AppMetric[]>> {
    const id = ++nextId;
    const answers = new Map<number, AppMetric[]>();
    return new Promise((resolve) => {
      let pending = 0;
      const finish = () => {
        clearTimeout(timer);
        this.#source.off('app-metrics', onAnswer);
        resolve(answers);
      };
      const onAnswer = (answer: AppMetricsAnswer) => {
        if (answer.id !== id) return;
        if (answer.metrics) answers.set(answer.pid, this.#own(answer.metrics));
        if (--pending === 0) finish();
      };
      const timer = setTimeout(finish, this.#timeoutMs);
      this.#source.on('app-metrics', onAnswer);
      pending = this.#source.requestAppMetrics(id);
      if (pending === 0) finish();
    });
  }

  // The app's families of an answer: not Hive's own, nor one prom-client's merge cannot take.
  #own(metrics: SentMetric[]): AppMetric[] {
    return metrics.filter((m) => !this.#exclude.has(m.name) && mergeable(m)).map(withNonFinite);
  }

  #answered(pid: number, metrics: AppMetric[], final = false): void {
    if (this.#exited.has(pid)) return;
    // A scrape's answer read after the process's final one was sent before it: its counts are older (fewer), and a
    // counter must not go down.
    if (this.#finished.has(pid) && !final) return;
    if (final) this.#finished.add(pid);
    this.#last.set(pid, metrics);
    if (!this.#order.has(pid)) this.#order.set(pid, ++this.#answeredProcesses);
    this.#buckets.see(this.#order.get(pid)!, metrics);
  }

  // Counts between the process's last answer (its final one, when it retired) and its exit are lost; what it had
  // counted stays in the sums.
  #retire(pid: number): void {
    this.#exited.add(pid);
    this.#finished.delete(pid);
    if (this.#exited.size > MAX_EXITED) this.#exited.delete(this.#exited.values().next().value!);
    const last = this.#last.get(pid);
    if (last === undefined) return;
    this.#last.delete(pid);
    this.#order.delete(pid);
    // A histogram of older bounds than the newest process's is no longer exposed, and is not kept either.
    for (const family of monotonic(last).filter((f) => this.#buckets.fits(f))) {
      let retired = this.#retired.get(family.name);
      // A replacement that redefined the family (another type, or new bounds of a histogram) starts it anew.
      if (
        retired === undefined ||
        retired.family.type !== family.type ||
        !this.#buckets.fits({ ...retired.family, values: [...retired.values.values()] })
      ) {
        retired = { family: { ...family, values: [] }, values: new Map() };
        this.#retired.set(family.name, retired);
      }
      for (const value of family.values) {
        const key = valueKey(value);
        const sum = retired.values.get(key);
        if (sum === undefined) retired.values.set(key, { ...value });
        else sum.value += value.value;
      }
    }
  }

  #retiredList(): AppMetric[] {
    return [...this.#retired.values()].map(({ family, values }) => ({ ...family, values: [...values.values()] }));
  }
}

function aggregate(lists: AppMetric[][]) {
  return AggregatorRegistry.aggregate(lists as Parameters<typeof AggregatorRegistry.aggregate>[0]);
}

/** Families merged by prom-client's AggregatorRegistry (see AppMetricsCollector), in Prometheus text. */
export async function aggregatedText(lists: AppMetric[][]): Promise<string> {
  const text = await aggregate(lists).metrics();
  // prom-client writes NaN as `Nan`; the text format's spelling is `NaN` (strict parsers take no other).
  return text.replace(NAN_SAMPLE, '$1NaN');
}

// The families whose values only grow while a process lives, and add up across processes: counters, histograms, and
// a summary's _sum and _count (its quantiles do not add up). Only those summed by the aggregator, the default.
function monotonic(metrics: AppMetric[]): AppMetric[] {
  const out: AppMetric[] = [];
  for (const family of metrics) {
    if ((family.aggregator ?? 'sum') !== 'sum') continue;
    if (family.type === 'counter' || family.type === 'histogram') out.push(family);
    else if (family.type === 'summary') {
      const values = family.values.filter((v) => v.metricName !== undefined && /_(sum|count)$/.test(v.metricName));
      out.push({ ...family, values });
    }
  }
  return out;
}

// prom-client takes any aggregator name when a metric is created, and its merge throws on one it does not know: one
// such family of the app's would fail the whole scrape, Hive's own metrics included. It is left out instead.
function mergeable(family: SentMetric): boolean {
  return AGGREGATORS.has(family.aggregator ?? 'sum');
}

// The runtime sends NaN and ±Infinity as strings (JSON has none: they would arrive as null, then show as 0 or +Inf).
// A family of a prom-client older than the `aggregator` field (v11) is summed, as prom-client documents.
export function withNonFinite(family: SentMetric): AppMetric {
  const aggregator = family.aggregator ?? 'sum';
  if (family.values.every((v) => typeof v.value === 'number')) return { ...family, aggregator } as AppMetric;
  const values = family.values.map((v) => ({ ...v, value: Number(v.value) }));
  return { ...family, aggregator, values };
}

function valueKey(value: AppValue): string {
  const labels = Object.keys(value.labels)
    .sort()
    .map((name) => [name, String(value.labels[name])]);
  return JSON.stringify([value.metricName ?? '', labels]);
}
