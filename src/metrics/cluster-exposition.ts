import type { Registry } from 'prom-client';
import { MetricsAggregator, type MetricsSource } from './aggregator.js';
import { type AppMetric, AppMetricsCollector, type AppMetricsSource } from './app-metrics.js';
import { createMetricsRegistry } from './prometheus.js';

// A scrape waits this long at most for the workers' own prom-client metrics (a busy loop answers late).
const APP_METRICS_TIMEOUT = 1_000;

/**
 * What one app's primary exposes to Prometheus: Hive's families read from a `sinceStart` aggregator of the
 * supervisor, and the app's own prom-client metrics merged across workers when the source can ask for them. The
 * primary's `/metrics` is its text; the daemon's endpoint asks for its JSON, to merge every app's families into one.
 */
export class ClusterExposition {
  readonly aggregator: MetricsAggregator;
  readonly registry: Registry;
  readonly #appMetrics: AppMetricsCollector | undefined;
  readonly #ownAggregator: boolean;

  /**
   * `aggregator`: one that has listened to the source since it started (the daemon's channel makes it before the
   * supervisor starts, and loads prom-client, this module, only at the first scrape); closed with this when not given.
   */
  constructor(source: MetricsSource, aggregator?: MetricsAggregator) {
    this.#ownAggregator = aggregator === undefined;
    this.aggregator = aggregator ?? new MetricsAggregator(source, { sinceStart: true });
    this.registry = createMetricsRegistry(this.aggregator);
    const own = new Set(this.registry.getMetricsAsArray().map((m) => m.name));
    this.#appMetrics = source.requestAppMetrics
      ? new AppMetricsCollector(source as AppMetricsSource, own, APP_METRICS_TIMEOUT)
      : undefined;
  }

  /** The exposition in Prometheus text. */
  async text(): Promise<string> {
    const hive = await this.registry.metrics();
    if (this.#appMetrics === undefined) return hive;
    const app = await this.#appMetrics.collect();
    return app === '' ? hive : `${hive}\n${app}`;
  }

  /** The same families as prom-client's JSON (`getMetricsAsJSON()`): Hive's, then the app's own. */
  async json(): Promise<AppMetric[]> {
    // prom-client types `type` as an enum; its values are the strings AppMetric holds.
    const hive = (await this.registry.getMetricsAsJSON()) as unknown as AppMetric[];
    return this.#appMetrics === undefined ? hive : [...hive, ...(await this.#appMetrics.collectJson())];
  }

  close(): void {
    if (this.#ownAggregator) this.aggregator.close();
    this.#appMetrics?.close();
  }
}
