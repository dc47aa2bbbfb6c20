import { type AppMetric, aggregatedText } from './app-metrics.js';

/** One app's part of a merged exposition: its families as prom-client's JSON. */
export interface AppFamilies {
  app: string;
  families: readonly AppMetric[];
}

/**
 * One Prometheus text exposition of several apps (the daemon's `/metrics`): one HELP and TYPE per family, with every
 * app's samples of it below. Each sample carries its app's `app` label: Hive's families have it already, and an app's
 * own prom-client families get it (an `app` label of their own that says otherwise is kept as `exported_app`, as
 * Prometheus does with a clashing target label), so that two apps' `nodejs_heap_size_used_bytes` stay two series.
 * A family that an app defines with another type than the app before it did is left out for that app: one family has
 * one TYPE. `extra` (the daemon's own families) comes last.
 */
export function mergeAppFamilies(apps: readonly AppFamilies[], extra: readonly AppMetric[] = []): Promise<string> {
  const types = new Map<string, string>();
  const lists: AppMetric[][] = [];
  for (const { app, families } of apps) {
    const list: AppMetric[] = [];
    for (const family of families) {
      const type = types.get(family.name);
      if (type !== undefined && type !== family.type) continue;
      types.set(family.name, family.type);
      // `first`: with the app label, no two apps' samples share a label set; a family's own aggregator (`omit`, say)
      // was the app's business across its workers, done by its primary, and must not drop it here.
      list.push({
        ...family,
        aggregator: 'first',
        values: family.values.map((v) => ({ ...v, labels: withApp(v.labels, app) })),
      });
    }
    lists.push(list);
  }
  lists.push([...extra]);
  return aggregatedText(lists);
}

function withApp(labels: AppMetric['values'][number]['labels'], app: string): AppMetric['values'][number]['labels'] {
  if (labels.app === app) return labels;
  if (labels.app === undefined) return { ...labels, app };
  const { app: exported, ...rest } = labels;
  return { ...rest, exported_app: exported, app };
}
