import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { killAll, until } from '../cluster/helpers.js';
import { promApp, promClientPreload, startWithMetrics } from './metrics-hive.js';
import { parsePrometheusText } from './prometheus-text.js';

after(killAll);

// prom-client accepts any aggregator name when a metric is created, and its cluster merge throws on an unknown one:
// /metrics answered 500, without Hive's own metrics either.
test('an app metric with an aggregator prom-client does not know is left out; the scrape and the rest stay', async (t) => {
  const preload = promClientPreload(
    t,
    `new client.Gauge({ name: 'app_queue_depth', help: 'Queue depth.', aggregator: 'median' }).set(3);\n`,
  );
  const { hive, base, port: appPort } = await startWithMetrics(promApp, 1, [preload]);
  const { body } = await request(`http://127.0.0.1:${appPort}/hello`, { reset: true });
  await body.text();
  let text = '';
  await until(async () => {
    const { statusCode, body } = await request(`${base}/metrics`, { reset: true });
    text = await body.text();
    assert.equal(statusCode, 200, text);
    return /^process_resident_memory_bytes\{/m.test(text) && /^app_served_total\{/m.test(text);
  }, "Hive's and the app's metrics");
  const { types } = parsePrometheusText(text);
  assert.equal(types.get('app_served_total'), 'counter');
  assert.ok(!types.has('app_queue_depth'));
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
