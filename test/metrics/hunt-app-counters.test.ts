import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort, isEvent, killAll, startHive, until } from '../cluster/helpers.js';
import { parsePrometheusText, sum } from './prometheus-text.js';

const promApp = new URL('../fixtures/metrics/prom-app.js', import.meta.url).pathname;

after(killAll);

async function served(base: string): Promise<number> {
  const { statusCode, body } = await request(`${base}/metrics`, { reset: true });
  assert.equal(statusCode, 200);
  return sum(parsePrometheusText(await body.text()).samples, 'app_served_total');
}

async function hello(port: number): Promise<void> {
  const { body } = await request(`http://127.0.0.1:${port}/hello`, { reset: true });
  await body.text();
}

// Prometheus reads a counter that goes down as a reset and counts it all again: the app's own counters, summed over
// its processes, must not drop when one of them dies or is replaced by a reload.
test("the app's own counters, summed over its processes, do not drop when a process dies or on reload", async () => {
  const appPort = await freePort();
  const hive = startHive([promApp, '-i', '2', '--port', String(appPort), '--metrics-port', '0']);
  const base = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  for (let i = 0; i < 20; i++) await hello(appPort);
  await until(async () => (await served(base)) === 20, 'both processes answered with their counts');

  const pid = hive.readyPids().get(0)!;
  process.kill(pid, 'SIGKILL');
  await hive.waitFor(isEvent('exit', { pid }), 'the exit');
  assert.equal(await served(base), 20, 'the dead process keeps its part of the sum');
  await hive.waitFor((r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== pid, 'the restart');
  assert.equal(await served(base), 20);

  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  assert.equal(await served(base), 20, 'the replaced processes keep their part of the sum');
  await hello(appPort);
  await until(async () => (await served(base)) === 21, 'a new request counted on top');

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
