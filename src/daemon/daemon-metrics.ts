import { type AppMetric, type SentMetric, withNonFinite } from '../metrics/app-metrics.js';
import { knownAppMetrics, unansweredAppMetrics } from '../metrics/known-app-metrics.js';
import { type AppFamilies, mergeAppFamilies } from '../metrics/merge-apps.js';
import { type MetricsServer, startMetricsServer } from '../metrics/metrics-server.js';
import { DAEMON_METRICS_PORT_ADVICE, type DaemonMetricsSettings } from './daemon-metrics-settings.js';
import type { AppExposition } from './managed-app.js';
import type { AppInfo } from './protocol.js';

/** What the endpoint reads the apps from: the daemon's AppTable. */
export interface DaemonMetricsApps {
  expositions(): Promise<(AppExposition | undefined)[]>;
  list(): AppInfo[];
}

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The daemon's one Prometheus endpoint for every app it runs (pm2-prometheus-exporter's job): `/metrics` merges each
 * cluster app's exposition, asked of its primary at scrape time, with what the daemon knows of the fork-mode apps;
 * `/healthz` answers while the daemon runs, and `/readyz` (see {@link appsReady}). A stopped app is left out. Rejects
 * with MetricsPortInUseError when the port cannot be bound.
 */
export async function startDaemonMetrics(
  apps: DaemonMetricsApps,
  settings: DaemonMetricsSettings,
  log: (line: string) => void,
): Promise<MetricsServer> {
  // Per app, the scrapes that left it out: a gap in its series is then told from an app that went away.
  const scrapeErrors = new Map<string, number>();
  // Apps left out of the last scrape: a hung primary is logged once, not at every scrape (Prometheus's 15 s).
  const failing = new Set<string>();
  return startMetricsServer({
    port: settings.port,
    host: settings.host,
    portInUseAdvice: DAEMON_METRICS_PORT_ADVICE,
    contentType: CONTENT_TYPE,
    metrics: async () => {
      const parts: AppFamilies[] = [];
      for (const exposition of await apps.expositions()) {
        if (exposition === undefined) continue;
        const { app } = exposition;
        if ('error' in exposition) {
          scrapeErrors.set(app, (scrapeErrors.get(app) ?? 0) + 1);
          if (!failing.has(app))
            log(`${app}: left out of metrics scrapes until its primary answers: ${exposition.error}`);
          failing.add(app);
          // An alert on hive_up or hive_workers_ready must still see the app: what the daemon knows of it stands in.
          parts.push({ app, families: unansweredAppMetrics(exposition.known) });
          continue;
        }
        if (failing.delete(app)) log(`${app}: back in metrics scrapes`);
        if ('asked' in exposition) parts.push({ app, families: exposition.asked.filter(isFamily).map(withNonFinite) });
        else parts.push({ app, families: knownAppMetrics(exposition.known) });
      }
      return mergeAppFamilies(parts, [scrapeErrorFamily(scrapeErrors)]);
    },
    ready: () => appsReady(apps.list()),
  });
}

/**
 * Ready when every app that is meant to run serves: none errored or still starting, and each online (or reloading)
 * app with at least one process ready, as each app's own `/readyz` asks. Stopped and stopping apps are not counted:
 * someone asked for that. No apps: ready.
 */
export function appsReady(apps: readonly Pick<AppInfo, 'status' | 'ready'>[]): boolean {
  return apps.every((app) => {
    if (app.status === 'stopped' || app.status === 'stopping') return true;
    if (app.status === 'errored' || app.status === 'starting') return false;
    return app.ready > 0;
  });
}

// A primary's answer is checked as any message received: one malformed family must not fail every app's scrape.
function isFamily(family: SentMetric): boolean {
  const { name, help, type, values } = (family ?? {}) as Partial<SentMetric>;
  return (
    typeof name === 'string' &&
    typeof help === 'string' &&
    typeof type === 'string' &&
    Array.isArray(values) &&
    values.every((v) => typeof v === 'object' && v !== null && typeof v.labels === 'object' && v.labels !== null)
  );
}

function scrapeErrorFamily(counts: ReadonlyMap<string, number>): AppMetric {
  return {
    name: 'hive_scrape_errors_total',
    help: "Scrapes of the daemon's /metrics that left the app out: its primary did not answer in time.",
    type: 'counter',
    aggregator: 'first',
    values: [...counts].map(([app, value]) => ({ labels: { app }, value })),
  };
}
