import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { killAll, until } from '../cluster/helpers.js';
import { promApp, promClientPreload, startWithMetrics } from './metrics-hive.js';

after(killAll);

// The IPC channel carries JSON, which has no NaN or Infinity: they arrived as null, and the merge showed them as 0.
test("the app's own NaN and ±Infinity values reach the exposition as such, not as 0", async (t) => {
  // A preload of the app's own copy of prom-client (one module-cache entry) that sets three gauges no number can.
  const preload = promClientPreload(
    t,
    `new client.Gauge({ name: 'app_not_a_number', help: 'NaN.' }).set(NaN);
new client.Gauge({ name: 'app_infinite', help: 'Infinity.' }).set(Infinity);
new client.Gauge({ name: 'app_minus_infinite', help: '-Infinity.' }).set(-Infinity);
new client.Gauge({ name: 'app_finite', help: 'A number.' }).set(2.5);
`,
  );
  const { hive, base } = await startWithMetrics(promApp, 1, [preload]);
  let values = new Map<string, string>();
  await until(async () => {
    const { body } = await request(`${base}/metrics`, { reset: true });
    const lines = (await body.text()).split('\n').filter((line) => line.startsWith('app_'));
    values = new Map(lines.map((line) => line.split(' ') as [string, string]));
    return values.has('app_finite');
  }, "the app's gauges");
  // The text format's spellings (prom-client's own `Nan` is not one).
  assert.equal(values.get('app_not_a_number'), 'NaN');
  assert.equal(values.get('app_infinite'), '+Inf');
  assert.equal(values.get('app_minus_infinite'), '-Inf');
  assert.equal(values.get('app_finite'), '2.5');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
