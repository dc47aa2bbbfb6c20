import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort, type HiveRecord, killAll, startDriver } from './helpers.js';

after(killAll);

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;
const reports = (records: HiveRecord[]) => records.filter((r) => r.kind === 'report');

async function send(port: number, id: string): Promise<void> {
  const { body } = await request(`http://127.0.0.1:${port}/compute`, { headers: { 'x-request-id': id }, reset: true });
  await body.text();
}

test('Supervisor#sampleRequests turns request sampling on in running workers, and off again', async () => {
  const port = await freePort();
  // Reports every 200 ms, not every second: the test waits for at least five of them.
  const hive = startDriver({ script: app, instances: 1, port, memoryReportInterval: 200 });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);

  hive.command('sample 3');
  assert.equal((await hive.waitFor(isResult('sample'), 'sample on')).ok, true);
  // Each round: a request, then the next report; until a report carries a request sent after `sample 3`.
  const nextReport = async (from: number) => {
    const seen = reports(hive.records.slice(from)).length;
    await hive.waitFor(() => reports(hive.records.slice(from)).length > seen, 'the next report', 10_000);
  };
  const start = hive.records.length;
  for (
    let n = 0;
    !reports(hive.records.slice(start)).some((r) => (r.samples as string[]).some((id) => id.startsWith('on-')));
    n++
  ) {
    assert.ok(n < 20, 'no sampled request in 20 reports after sample 3');
    await send(port, `on-${n}`);
    await nextReport(start);
  }

  hive.command('sample 0');
  assert.equal((await hive.waitFor(isResult('sample'), 'sample off')).ok, true);
  // Reports from here on: the first may still carry what was kept before the message arrived.
  const from = hive.records.length;
  for (let i = 0; i < 3; i++) {
    await send(port, `off-${i}`);
    await nextReport(from);
  }
  const late = reports(hive.records.slice(from)).flatMap((r) => r.samples as string[]);
  assert.deepEqual(
    late.filter((id) => id.startsWith('off-')),
    [],
    'no request is sampled once sampling is off',
  );
  hive.command('stop');
  await hive.exited;
});
