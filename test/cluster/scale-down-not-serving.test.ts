// A scale down removes the slots that do not serve before serving ones: `scale 4 -> 2` while instance 1 waited for its
// crash restart retired instances 2 and 3 and kept the empty slot 1, so that the app served with one process, not two.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, type HiveRecord, isEvent, killAll, startDriver, tempApp } from './helpers.js';

after(killAll);

// Listens unless a `hold-<instance>` file is there: its process then never becomes ready.
const source = `
import { existsSync } from 'node:fs';
import http from 'node:http';
if (existsSync(process.env.TEST_DIR + '/hold-' + process.env.HIVE_INSTANCE)) setInterval(() => {}, 1 << 30);
else http.createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`;

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

// Runs 4 instances, crashes instance 1's process, waits until `settled` says where its slot is, and scales to 2.
async function scaleDownWithInstance1(
  restartDelay: number,
  hold: boolean,
  settled: (r: HiveRecord, crashed: number) => boolean,
) {
  const { dir, app } = tempApp('hive-scale-down-', source);
  const hive = startDriver({ script: app, instances: 4, port: await freePort(), restartDelay }, { TEST_DIR: dir });
  assert.equal((await hive.waitFor(isResult('start'), 'start', 60_000)).ok, true);
  const crashed = hive.readyPids().get(1)!;
  if (hold) writeFileSync(join(dir, 'hold-1'), '');
  process.kill(crashed, 'SIGKILL');
  await hive.waitFor(isEvent('restart', { instance: 1 }), 'the crash restart');
  await hive.waitFor((r) => settled(r, crashed), 'instance 1 not serving');
  hive.command('scale 2');
  assert.equal((await hive.waitFor(isResult('scale'), 'the scale down', 60_000)).ok, true);
  const scale = await hive.waitFor(isEvent('scale'), 'the scale event');
  hive.command('workers');
  const workers = (await hive.waitFor(isResult('workers'), 'the workers')).value as {
    instance: number;
    state: string;
  }[];
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
  return { slots: scale.slots, serving: workers.filter((w) => w.state === 'ready').map((w) => w.instance) };
}

test('scale 4 -> 2 while instance 1 waits for its crash restart removes it and instance 3: two serve', async () => {
  const { slots, serving } = await scaleDownWithInstance1(600_000, false, () => true);
  assert.deepEqual(slots, [0, 2]);
  assert.deepEqual(serving.sort(), [0, 2]);
});

test('scale 4 -> 2 while the restarted instance 1 is not ready yet removes it and instance 3: two serve', async () => {
  const starting = (r: HiveRecord, crashed: number) =>
    isEvent('worker', { instance: 1, state: 'starting' })(r) && r.pid !== crashed;
  const { slots, serving } = await scaleDownWithInstance1(0, true, starting);
  assert.deepEqual(slots, [0, 2]);
  assert.deepEqual(serving.sort(), [0, 2]);
});
