import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort, isEvent, killAll, startHive, until } from '../cluster/helpers.js';
import { parsePrometheusText } from './prometheus-text.js';

const promApp = new URL('../fixtures/metrics/prom-app.js', import.meta.url).pathname;
const promClient = new URL('../../node_modules/prom-client/index.js', import.meta.url).pathname;

after(killAll);

// prom-client accepts any aggregator name when a metric is created, and its cluster merge throws on an unknown one:
// /metrics answered 500, without Hive's own metrics either.
test('an app metric with an aggregator prom-client does not know is left out; the scrape and the rest stay', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-aggregator-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const preload = join(dir, 'gauge.cjs');
  writeFileSync(
    preload,
    `const client = require(${JSON.stringify(promClient)});
new client.Gauge({ name: 'app_queue_depth', help: 'Queue depth.', aggregator: 'median' }).set(3);
`,
  );
  const appPort = await freePort();
  const args = [promApp, '-i', '1', '--port', String(appPort), '--metrics-port', '0'];
  const hive = startHive([...args, `--node-args=--require=${preload}`]);
  const base = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
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
