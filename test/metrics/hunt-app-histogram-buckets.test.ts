import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { isEvent, killAll, tempApp, until } from '../cluster/helpers.js';
import { promClient, startWithMetrics } from './metrics-hive.js';
import { parsePrometheusText, type Sample } from './prometheus-text.js';

after(killAll);

// The app's histogram takes its buckets from a file read at start: a reload (or a restart) after the file changed
// brings processes with other buckets than the ones before.
function bucketsApp(): { app: string; bucketsFile: string } {
  const { dir, app } = tempApp(
    'hive-buckets-',
    `const http = require('node:http');
const { readFileSync } = require('node:fs');
const client = require(${JSON.stringify(promClient)});
const lat = new client.Histogram({
  name: 'app_lat_seconds',
  help: 'Latency.',
  buckets: JSON.parse(readFileSync(require('node:path').join(__dirname, 'buckets.json'), 'utf8')),
});
http.createServer((req, res) => {
  lat.observe(0.3);
  res.end(String(process.pid));
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
    'app.cjs',
  );
  const bucketsFile = join(dir, 'buckets.json');
  writeFileSync(bucketsFile, '[0.1, 1]');
  return { app, bucketsFile };
}

async function latSamples(base: string): Promise<Sample[]> {
  const { statusCode, body } = await request(`${base}/metrics`, { reset: true });
  assert.equal(statusCode, 200);
  return parsePrometheusText(await body.text()).samples.filter((s) => s.name.startsWith('app_lat_seconds'));
}

// What histogram_quantile needs: buckets in ascending `le` order, cumulative, ending at +Inf with the count.
function assertValidHistogram(samples: Sample[]): void {
  const buckets = samples.filter((s) => s.name === 'app_lat_seconds_bucket');
  const les = buckets.map((s) => Number(s.labels.le === '+Inf' ? Infinity : s.labels.le));
  assert.deepEqual(
    les,
    [...les].sort((a, b) => a - b),
    `buckets in ascending order: ${JSON.stringify(buckets)}`,
  );
  assert.equal(new Set(les).size, les.length, 'each bucket once');
  assert.equal(les.at(-1), Infinity, 'a +Inf bucket last');
  for (let i = 1; i < buckets.length; i++)
    assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, `cumulative buckets: ${JSON.stringify(buckets)}`);
  const count = samples.find((s) => s.name === 'app_lat_seconds_count')!.value;
  assert.equal(buckets.at(-1)!.value, count, 'the +Inf bucket is the count');
}

const les = (samples: Sample[]) => samples.filter((s) => s.name === 'app_lat_seconds_bucket').map((s) => s.labels.le);
const countOf = (samples: Sample[]) => samples.find((s) => s.name === 'app_lat_seconds_count')?.value;

async function hello(port: number): Promise<void> {
  const { body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
  await body.text();
}

test("the app's histogram stays valid when a reload changes its buckets", async () => {
  const { app, bucketsFile } = bucketsApp();
  const { hive, base, port: appPort } = await startWithMetrics(app, 1);
  for (let i = 0; i < 3; i++) await hello(appPort);
  await until(async () => countOf(await latSamples(base)) === 3, 'the three requests in the histogram');

  writeFileSync(bucketsFile, '[0.5, 2, 5]');
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  await hello(appPort);
  // The old process's counts in other buckets cannot be added to the new ones: the family starts anew (a reset).
  await until(async () => countOf(await latSamples(base)) === 1, 'the new process counted alone');
  const samples = await latSamples(base);
  assertValidHistogram(samples);
  assert.deepEqual(les(samples), ['0.5', '2', '5', '+Inf']);

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test("while processes differ in an app histogram's buckets, the newest process's buckets are exposed", async () => {
  const { app, bucketsFile } = bucketsApp();
  const { hive, base, port: appPort } = await startWithMetrics(app, 2);
  for (let i = 0; i < 4; i++) await hello(appPort);
  await until(async () => countOf(await latSamples(base)) === 4, 'the requests in the histogram');

  // The replacement of a killed process reads the new buckets; the other process keeps the old ones.
  writeFileSync(bucketsFile, '[0.5, 2, 5]');
  const pid = hive.readyPids().get(0)!;
  process.kill(pid, 'SIGKILL');
  await hive.waitFor((r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== pid, 'the restart');
  await until(async () => les(await latSamples(base)).includes('0.5'), "the new process's buckets");
  const samples = await latSamples(base);
  assertValidHistogram(samples);
  assert.deepEqual(les(samples), ['0.5', '2', '5', '+Inf']);

  // Once the new process is gone too, the older one left does not bring its buckets back: the new process's counts
  // stay, with its buckets.
  const newPid = hive.readyPids().get(0)!;
  process.kill(newPid, 'SIGKILL');
  await hive.waitFor(isEvent('exit', { pid: newPid }), 'the exit');
  const later = await latSamples(base);
  assertValidHistogram(later);
  assert.deepEqual(les(later), ['0.5', '2', '5', '+Inf']);
  assert.equal(countOf(later), countOf(samples));

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
