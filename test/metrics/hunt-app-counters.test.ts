import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { isEvent, killAll, until } from '../cluster/helpers.js';
import { promApp, promClient, startWithMetrics } from './metrics-hive.js';
import { parsePrometheusText, sum } from './prometheus-text.js';

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
  const { hive, base, port: appPort } = await startWithMetrics(promApp, 2);
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

test("a retiring process sends the app's counts since the last scrape before it exits: a reload loses none", async () => {
  const { hive, base, port: appPort } = await startWithMetrics(promApp, 1);
  await hello(appPort);
  await until(async () => (await served(base)) === 1, 'the first count answered');
  // Counted after the last scrape, by a process a reload then retires.
  for (let i = 0; i < 9; i++) await hello(appPort);
  const pid = hive.readyPids().get(0)!;
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  await hive.waitFor(isEvent('exit', { pid }), 'the exit');
  assert.equal(await served(base), 10);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test("a process that answers late (a blocked loop) keeps its counters in the app's sums", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-busy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'busy-app.cjs');
  // Blocks its loop for 3 s on /busy: longer than the 1 s a scrape waits for the app's metrics.
  writeFileSync(
    script,
    `const http = require('node:http');
const client = require(${JSON.stringify(promClient)});
const served = new client.Counter({ name: 'app_served_total', help: 'Served.' });
http.createServer((req, res) => {
  served.inc();
  if (req.url === '/busy') {
    console.log('blocking');
    const end = Date.now() + 3000;
    while (Date.now() < end);
  }
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
  const { hive, base, port: appPort } = await startWithMetrics(script, 1);
  for (let i = 0; i < 5; i++) await hello(appPort);
  await until(async () => (await served(base)) === 5, 'the counts answered');
  const busy = request(`http://127.0.0.1:${appPort}/busy`, { reset: true });
  await hive.waitFor((r) => r.kind === 'log' && r.line === 'blocking', 'the blocked loop');
  assert.equal(await served(base), 5, 'the blocked process keeps its counts of its last answer');
  await (await busy).body.text();
  await until(async () => (await served(base)) === 6, 'its new count once it answers again');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
