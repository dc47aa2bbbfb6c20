import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  fixture,
  freePort,
  type Hive,
  type HiveRecord,
  isEvent,
  killAll,
  reloadThrough,
  startDriver,
  startLoad,
  tempDir,
} from './helpers.js';

after(killAll);

const app = fixture('side-server-app.mjs');
const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

// The pid of a process whose side server listened and whose primary has read that listen: a report carrying the
// sample the app sends its side server after the listen (see the fixture), sent after that listen on the same channel.
function sidePids(record: HiveRecord): number[] {
  if (record.kind !== 'report') return [];
  return (record.samples as string[]).flatMap((id) => (id.startsWith('side-') ? [Number(id.slice(5))] : []));
}

// Lets each process's main server listen once its primary has read its side server's listen (and not before).
function openGates(hive: Hive, gates: string): () => void {
  let seen = 0;
  const timer = setInterval(() => {
    for (const record of hive.records.slice(seen))
      for (const pid of sidePids(record)) writeFileSync(join(gates, String(pid)), '');
    seen = hive.records.length;
  }, 20);
  return () => clearInterval(timer);
}

test('with a known port, a process listening on another port first is ready only once it listens on the port', async () => {
  const gates = tempDir('hive-app-port-ready-');
  const port = await freePort();
  const env = { SIDE_GATE_DIR: gates, HIVE_REQUEST_SAMPLES: '5' };
  const hive = startDriver({ script: app, instances: 1, port, env });
  const side = await hive.waitFor((r) => sidePids(r).length > 0, 'the side listen read by the primary');
  const pid = sidePids(side)[0]!;
  const readyOf = isEvent('worker', { pid, state: 'ready' });
  assert.equal(hive.records.filter(readyOf).length, 0, 'ready on the side server listening');

  writeFileSync(join(gates, String(pid)), '');
  const ready = await hive.waitFor(readyOf, 'ready once the main server listens');
  assert.ok(hive.records.indexOf(ready) > hive.records.indexOf(side));
  // Where the app's server listens (describe, `hive edge --app`): the port's server, not the side one.
  assert.deepEqual(ready.listen, { address: '127.0.0.1', port, kind: 'http' });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  hive.command('stop');
  await hive.exited;
});

test('a process that listens only on another port than the known one fails as not listening on the port', async () => {
  const port = await freePort();
  const hive = startDriver({
    script: app,
    instances: 1,
    port,
    listenTimeout: 3000,
    env: { SIDE_GATE_DIR: tempDir('hive-app-port-never-') },
  });
  const start = await hive.waitFor(isResult('start'), 'start');
  assert.equal(start.ok, false);
  assert.match(String(start.message), new RegExp(`did not listen on port ${port}`));
  await hive.exited;
});

test('a rolling reload under keep-alive load of an app with a side server listening first fails no request', async () => {
  const gates = tempDir('hive-app-port-reload-');
  const versionFile = join(gates, 'version');
  writeFileSync(versionFile, 'v1');
  const port = await freePort();
  const env = { SIDE_GATE_DIR: gates, HIVE_REQUEST_SAMPLES: '5', APP_VERSION_FILE: versionFile };
  // One process: with two, the other would serve while the replaced one's replacement is not ready.
  const hive = startDriver({ script: app, instances: 1, port, env });
  const stopGates = openGates(hive, gates);
  assert.equal((await hive.waitFor(isResult('start'), 'start', 30_000)).ok, true);
  const load = startLoad(port, 8);
  await delay(300);
  await reloadThrough(hive, versionFile, ['v2', 'v3'], () => hive.command('reload'));
  const stats = await load.stop();
  stopGates();
  assert.equal(stats.failed, 0, `failed requests: ${stats.errors.join('; ')}`);
  assert.ok(stats.ok > 0);
  assert.equal(stats.last?.version, 'v3');
  hive.command('stop');
  await hive.exited;
});
