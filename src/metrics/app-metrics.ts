import type { EventEmitter } from 'node:events';
import { AggregatorRegistry } from 'prom-client';

/** One metric family of prom-client's `getMetricsAsJSON()`. */
type AppMetric = { name: string };

/** A supervisor as seen by {@link collectAppMetrics}. */
export interface AppMetricsSource extends Pick<EventEmitter, 'on' | 'off'> {
  requestAppMetrics(id: number): number;
}

interface AppMetricsAnswer {
  id: number;
  metrics: AppMetric[] | null;
}

let nextId = 0;

/**
 * The app's own prom-client metrics (its default registry) from every ready worker, merged the way prom-client's
 * AggregatorRegistry merges a cluster (counters and histograms summed per label set; gauges summed unless the metric
 * names another aggregator), in Prometheus text. Workers that do not answer within `timeoutMs` are left out rather
 * than failing the scrape; families named in `exclude` (Hive's own) are dropped, since one exposition must not hold a
 * family twice.
 */
export function collectAppMetrics(source: AppMetricsSource, exclude: Set<string>, timeoutMs: number): Promise<string> {
  const id = ++nextId;
  const answers: AppMetric[][] = [];
  return new Promise<AppMetric[][]>((resolve) => {
    let pending = 0;
    const finish = () => {
      clearTimeout(timer);
      source.off('app-metrics', onAnswer);
      resolve(answers);
    };
    const onAnswer = (answer: AppMetricsAnswer) => {
      if (answer.id !== id) return;
      if (answer.metrics) answers.push(answer.metrics.filter((m) => !exclude.has(m.name)));
      if (--pending === 0) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    source.on('app-metrics', onAnswer);
    pending = source.requestAppMetrics(id);
    if (pending === 0) finish();
  }).then(async (metrics) => {
    if (metrics.every((list) => list.length === 0)) return '';
    return AggregatorRegistry.aggregate(metrics).metrics();
  });
}
