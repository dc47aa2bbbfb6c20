import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { fixture, freePort, type HiveRecord, killAll, startDriver } from './helpers.js';

after(killAll);

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

async function instanceOf(port: number, client: string): Promise<string> {
  const { body } = await request(`http://127.0.0.1:${port}/`, { headers: { 'x-client': client }, reset: true });
  return ((await body.json()) as { instance: string }).instance;
}

async function instancesOf(port: number, clients: string[]): Promise<string[]> {
  const instances: string[] = [];
  for (const client of clients) instances.push(await instanceOf(port, client));
  return instances;
}

test('sticky: a scale 3 -> 4 moves clients only to the new process, and 4 -> 3 brings exactly them back', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('app.js'), instances: 3, port, sticky: 'header:x-client' });
  assert.equal((await hive.waitFor(isResult('start'), 'start', 60_000)).ok, true);
  const clients = Array.from({ length: 60 }, (_, i) => `client-${i}`);
  const before = await instancesOf(port, clients);
  assert.deepEqual([...new Set(before)].sort(), ['0', '1', '2']);

  hive.command('scale 4');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale up', 60_000)).ok, true);
  const up = await instancesOf(port, clients);
  const movedUp = clients.filter((_, i) => up[i] !== before[i]);
  // With the count as modulus, about 3 in 4 clients changed process, most of them between the old three.
  assert.deepEqual(
    clients.filter((_, i) => up[i] !== before[i] && up[i] !== '3'),
    [],
  );
  assert.ok(movedUp.length > 0 && movedUp.length <= 30, `${movedUp.length} of 60 moved`);

  hive.records.length = 0;
  hive.command('scale 3');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale down', 60_000)).ok, true);
  assert.deepEqual(await instancesOf(port, clients), before);

  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});
