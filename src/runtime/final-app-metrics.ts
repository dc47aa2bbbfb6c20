import { appPromMetrics } from './app-metrics.js';
import { sendToPrimary } from './ipc.js';

// The app's collect() callbacks may be async: a slow one must not hold the exit (killTimeout would end it).
const FINAL_APP_METRICS_TIMEOUT_MS = 1_000;

/**
 * A closer of a retiring process (after its drain and onShutdown hooks): sends the primary the app's own prom-client
 * metrics unasked, so that what the app counted since the last scrape is not lost with the process (the primary adds
 * it to its sums of retired processes). Nothing when the app has not loaded prom-client. The runtime's flush, after
 * the closers, makes the primary read it before the exit.
 */
export function sendFinalAppMetrics(): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, FINAL_APP_METRICS_TIMEOUT_MS);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    appPromMetrics().then((metrics) => {
      if (metrics === null) done();
      else sendToPrimary({ hive: 1, type: 'app-metrics', id: 0, metrics, final: true }, done);
    }, done);
  });
}
