// Scrapes of an app's --metrics-port that overlap (several Prometheus servers, a scraper retrying, a burst of curls)
// each added a listener on the primary's Supervisor: past 10 at once the primary logged Node's MaxListenersExceeded
// "possible memory leak" warning, again at every burst. They now share one round of questions to the processes.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { killAll } from '../cluster/helpers.js';
import { promApp, startWithMetrics } from './metrics-hive.js';

after(killAll);

test('15 overlapping scrapes of the metrics port all get the app metrics, and the primary warns of no leak', async () => {
  const { hive, base } = await startWithMetrics(promApp, 2);
  for (let burst = 0; burst < 3; burst++) {
    const texts = await Promise.all(
      Array.from({ length: 15 }, async () => {
        const response = await fetch(`${base}/metrics`);
        assert.equal(response.status, 200);
        return response.text();
      }),
    );
    for (const text of texts) assert.match(text, /^# TYPE app_served_total counter$/m);
  }
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.doesNotMatch(hive.stderr.join(''), /MaxListenersExceededWarning/);
});
