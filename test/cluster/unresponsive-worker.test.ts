import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fetchText, scrape } from '../metrics/scrape.js';
import { blockLoop, fixture, freePort, type Hive, isEvent, killAll, startHive, unblockLoop, until } from './helpers.js';

after(killAll);

// hive_worker_unresponsive per slot, as the primary's /metrics says it.
async function unresponsiveGauge(base: string): Promise<Record<string, number>> {
  const samples = (await scrape(base)).filter((s) => s.name === 'hive_worker_unresponsive');
  return Object.fromEntries(samples.map((s) => [s.labels.slot!, s.value]));
}

// The unresponsive events of `pid` so far, as [marked, cleared] counts.
function marks(hive: Hive, pid: number): { marked: number; cleared: number } {
  const events = hive.records.filter((r) => r.kind === 'event' && r.type === 'unresponsive' && r.pid === pid);
  return {
    marked: events.filter((r) => r.unresponsive === true).length,
    cleared: events.filter((r) => r.unresponsive === false).length,
  };
}

test('a worker whose event loop blocks is marked unresponsive, in /metrics and the health endpoints, until it reports again', async () => {
  const port = await freePort();
  const hive = startHive([
    fixture('blocked-loop.mjs'),
    '--name',
    'hung',
    '-i',
    '2',
    '--port',
    String(port),
    '--metrics-port',
    '0',
    '--memory-report-interval',
    '100ms',
    '--kill-timeout',
    '1s',
  ]);
  const base = (await hive.waitFor(isEvent('metrics'), 'the metrics port')).url as string;
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const pids = hive.readyPids();
  const first = pids.get(0)!;
  const second = pids.get(1)!;
  await until(async () => {
    const gauge = await unresponsiveGauge(base);
    return gauge['0'] === 0 && gauge['1'] === 0;
  }, 'hive_worker_unresponsive 0 for both slots');
  assert.deepEqual(await fetchText(`${base}/healthz`), { status: 200, text: 'ok\n' });

  blockLoop(first);
  const marked = await hive.waitFor(
    isEvent('unresponsive', { pid: first, unresponsive: true }),
    'worker 0 marked unresponsive',
  );
  assert.equal(marked.instance, 0);
  assert.ok((marked.silentMs as number) >= 3_000, 'marked after 3 s at least (3 intervals of 100 ms are less)');
  await until(async () => {
    const gauge = await unresponsiveGauge(base);
    return gauge['0'] === 1 && gauge['1'] === 0;
  }, 'hive_worker_unresponsive 1 for slot 0 only');
  const health = await fetchText(`${base}/healthz`);
  assert.equal(health.status, 200);
  assert.match(health.text, /^degraded: 1 of 2 ready workers unresponsive/);
  const ready = await fetchText(`${base}/readyz`);
  assert.equal(ready.status, 200);
  assert.match(ready.text, /^degraded: /);
  // A mark, not a state: the worker stays ready, and is not restarted.
  assert.equal(hive.records.filter(isEvent('exit')).length, 0);

  unblockLoop(first);
  const cleared = await hive.waitFor(isEvent('unresponsive', { pid: first, unresponsive: false }), 'worker 0 cleared');
  // The whole silence, from its start to the report that ended it: at least what it was when marked.
  assert.ok((cleared.silentMs as number) >= (marked.silentMs as number), `cleared after ${cleared.silentMs} ms silent`);
  await until(async () => (await unresponsiveGauge(base))['0'] === 0, 'hive_worker_unresponsive back to 0');
  assert.deepEqual(await fetchText(`${base}/healthz`), { status: 200, text: 'ok\n' });
  assert.deepEqual(marks(hive, first), { marked: 1, cleared: 1 });

  blockLoop(first);
  blockLoop(second);
  await hive.waitFor(isEvent('unresponsive', { pid: second, unresponsive: true }), 'worker 1 marked');
  await until(() => marks(hive, first).marked === 2, 'worker 0 marked again');
  const down = await fetchText(`${base}/healthz`);
  assert.equal(down.status, 503);
  assert.match(down.text, /^unresponsive: 2 of 2 ready workers/);
  assert.equal((await fetchText(`${base}/readyz`)).status, 503);

  unblockLoop(first);
  unblockLoop(second);
  await until(() => marks(hive, first).cleared === 2 && marks(hive, second).cleared === 1, 'both cleared');
  assert.deepEqual(await fetchText(`${base}/readyz`), { status: 200, text: 'ready\n' });
  assert.equal(hive.records.filter(isEvent('exit')).length, 0, 'no worker was restarted');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// A primary frozen (SIGSTOP, or its own loop blocked) past the threshold ran its watch first when it went on, before
// it had read the reports its workers sent meanwhile: every healthy worker was marked unresponsive, and cleared at
// once, in the logs and the events alerts read. A late round of the watch is skipped: the next one judges.
test('a primary frozen past the threshold marks none of its healthy workers when it goes on', async () => {
  const port = await freePort();
  const hive = startHive([
    fixture('blocked-loop.mjs'),
    '--name',
    'frozen',
    '-i',
    '2',
    '--port',
    String(port),
    '--memory-report-interval',
    '100ms',
  ]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const pids = hive.readyPids();
  const primary = hive.child.pid!;
  process.kill(primary, 'SIGSTOP');
  // Past the 3 s threshold, the reports of both workers queued unread meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 4_500));
  process.kill(primary, 'SIGCONT');
  // A worker that does block afterwards is still marked: by then the watch has judged many rounds since the freeze.
  const first = pids.get(0)!;
  blockLoop(first);
  await hive.waitFor(isEvent('unresponsive', { pid: first, unresponsive: true }), 'worker 0 marked unresponsive');
  assert.deepEqual(marks(hive, pids.get(1)!), { marked: 0, cleared: 0 }, 'the healthy worker was marked');
  const own = hive.records.filter((r) => r.kind === 'event' && r.type === 'unresponsive' && r.pid === first);
  assert.deepEqual(
    own.map((r) => r.unresponsive),
    [true],
    'worker 0 was marked (and cleared) for the freeze before it blocked',
  );
  unblockLoop(first);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
