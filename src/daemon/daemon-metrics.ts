import { type AppMetric, type SentMetric, withNonFinite } from '../metrics/app-metrics.js';
import { knownAppMetrics, unansweredAppMetrics } from '../metrics/known-app-metrics.js';
import { type AppFamilies, mergeAppFamilies } from '../metrics/merge-apps.js';
import { type MetricsServer, startMetricsServer } from '../metrics/metrics-server.js';
import type { HungCount } from '../metrics/unresponsive-health.js';
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
 * Scrapes in a row a primary must miss (each waits PROMETHEUS_TIMEOUT, see managed-app.ts) before its app shows as down
 * (`hive_up 0`): with Prometheus's 15 s interval, about 30 s of no answer. A stopped primary is down at once, and so is
 * one the daemon's ping marked unresponsive.
 */
export const DOWN_AFTER_MISSES = 3;

/**
 * The daemon's one Prometheus endpoint for every app it runs (pm2-prometheus-exporter's job): `/metrics` merges each
 * cluster app's exposition, asked of its primary at scrape time, with what the daemon knows of the fork-mode apps;
 * `/healthz` answers while the daemon runs, and `/readyz` (see {@link appsReady}); both say `degraded` while some
 * app's ready workers are unresponsive, and `/readyz` is 503 once every ready worker of an app is, or its primary is
 * (the primary's rule, see unresponsiveHealth and {@link appsHung}), `/healthz` staying 200. A stopped app is left out,
 * and so is an app whose primary missed a scrape, until it is stopped (/proc), marked unresponsive (the daemon's ping)
 * or has missed {@link DOWN_AFTER_MISSES} in a row: then the daemon's own gauges of it stand in, with `hive_up 0`.
 * Rejects with MetricsPortInUseError when the port cannot be bound.
 */
export async function startDaemonMetrics(
  apps: DaemonMetricsApps,
  settings: DaemonMetricsSettings,
  log: (line: string) => void,
): Promise<MetricsServer> {
  // Per app, the scrapes that left it out: a gap in its series is then told from an app that went away.
  const scrapeErrors = new Map<string, number>();
  // Per app, the scrapes in a row its primary did not answer: one slow answer on a loaded machine is not "down".
  const misses = new Map<string, number>();
  // Apps shown as down (hive_up 0) in the last scrape: logged once, not at every scrape (Prometheus's 15 s).
  const down = new Set<string>();
  return startMetricsServer({
    port: settings.port,
    host: settings.host,
    portInUseAdvice: DAEMON_METRICS_PORT_ADVICE,
    contentType: CONTENT_TYPE,
    metrics: async () => {
      const parts: AppFamilies[] = [];
      const seen = new Set<string>();
      for (const exposition of await apps.expositions()) {
        if (exposition === undefined) continue;
        const { app } = exposition;
        seen.add(app);
        if ('error' in exposition) {
          scrapeErrors.set(app, (scrapeErrors.get(app) ?? 0) + 1);
          const missed = (misses.get(app) ?? 0) + 1;
          misses.set(app, missed);
          if (!exposition.stopped && !exposition.unresponsive && missed < DOWN_AFTER_MISSES) {
            // Left out of this scrape (a gap, which Prometheus tells from hive_up 0): a primary busy past the timeout
            // once has most likely not hung.
            log(
              `${app}: left out of a metrics scrape, its primary did not answer (${missed} in a row): ${exposition.error}`,
            );
            continue;
          }
          if (!down.has(app)) {
            const why = exposition.stopped
              ? 'its primary is stopped (SIGSTOP)'
              : exposition.unresponsive
                ? "its primary does not answer the daemon's ping"
                : `${missed} scrapes in a row missed`;
            log(
              `${app}: shown as down (hive_up 0) in metrics scrapes until its primary answers, ${why}: ${exposition.error}`,
            );
          }
          down.add(app);
          // An alert on hive_up or hive_workers_ready must still see the app: what the daemon knows of it stands in.
          parts.push({ app, families: unansweredAppMetrics(exposition.known) });
          continue;
        }
        misses.delete(app);
        if (down.delete(app)) log(`${app}: back in metrics scrapes`);
        // From a cluster app's first answer on, at 0 until a miss: a counter that appears only at its first increment
        // hides that increment from rate() and increase().
        if ('asked' in exposition && !scrapeErrors.has(app)) scrapeErrors.set(app, 0);
        if ('asked' in exposition) parts.push({ app, families: exposition.asked.filter(isFamily).map(withNonFinite) });
        else parts.push({ app, families: knownAppMetrics(exposition.known) });
      }
      // A stopped or deleted app starts its count anew, and its series end (a deleted one's must not stay for ever).
      for (const app of scrapeErrors.keys()) if (!seen.has(app)) scrapeErrors.delete(app);
      for (const app of misses.keys()) if (!seen.has(app)) misses.delete(app);
      for (const app of down) if (!seen.has(app)) down.delete(app);
      return mergeAppFamilies(parts, [scrapeErrorFamily(scrapeErrors)]);
    },
    ready: () => appsReady(apps.list()),
    hung: () => appsHung(apps.list()),
    livenessIgnoresHung: true,
  });
}

/**
 * Per app meant to run, its ready workers, those marked unresponsive and whether its primary is (see
 * unresponsiveHealth). Stopping and stopped apps are left out, as {@link appsReady} leaves them: someone asked for
 * that, and a frozen primary being stopped keeps the marks it had until it is killed. Fork-mode apps' workers are
 * never marked (they send no reports), their primary may be.
 */
export function appsHung(
  apps: readonly Pick<AppInfo, 'name' | 'status' | 'ready' | 'unresponsive' | 'primaryUnresponsive'>[],
): HungCount[] {
  return apps
    .filter((app) => app.status !== 'stopped' && app.status !== 'stopping')
    .map((app) => ({
      app: app.name,
      ready: app.ready,
      unresponsive: app.unresponsive ?? 0,
      primaryUnresponsive: app.primaryUnresponsive === true,
    }));
}

/**
 * Ready when every app that is meant to run serves: none errored or still starting, and each online (or reloading)
 * app with at least one process ready, as each app's own `/readyz` asks (whose unresponsive workers the endpoint
 * weighs apart, as the primary's does). Stopped and stopping apps are not counted: someone asked for that. No apps:
 * ready.
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
    help: "Scrapes of the daemon's /metrics its primary did not answer in time (the app left out, or shown as down).",
    type: 'counter',
    aggregator: 'first',
    values: [...counts].map(([app, value]) => ({ labels: { app }, value })),
  };
}
