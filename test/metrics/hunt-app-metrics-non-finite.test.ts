import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort, isEvent, killAll, startHive, until } from '../cluster/helpers.js';

const promApp = new URL('../fixtures/metrics/prom-app.js', import.meta.url).pathname;
const promClient = new URL('../../node_modules/prom-client/index.js', import.meta.url).pathname;

after(killAll);

// The IPC channel carries JSON, which has no NaN or Infinity: they arrived as null, and the merge showed them as 0.
test("the app's own NaN and ±Infinity values reach the exposition as such, not as 0", async (t) => {
  // A preload of the app's own copy of prom-client (one module-cache entry) that sets three gauges no number can.
  const dir = mkdtempSync(join(tmpdir(), 'hive-non-finite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const preload = join(dir, 'gauges.cjs');
  writeFileSync(
    preload,
    `const client = require(${JSON.stringify(promClient)});
new client.Gauge({ name: 'app_not_a_number', help: 'NaN.' }).set(NaN);
new client.Gauge({ name: 'app_infinite', help: 'Infinity.' }).set(Infinity);
new client.Gauge({ name: 'app_minus_infinite', help: '-Infinity.' }).set(-Infinity);
new client.Gauge({ name: 'app_finite', help: 'A number.' }).set(2.5);
`,
  );
  const appPort = await freePort();
  const hive = startHive([
    promApp,
    '-i',
    '1',
    '--port',
    String(appPort),
    '--metrics-port',
    '0',
    `--node-args=--require=${preload}`,
  ]);
  const base = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
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
