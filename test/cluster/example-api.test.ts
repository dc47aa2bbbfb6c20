import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

const api = new URL('../../examples/api/server.ts', import.meta.url).pathname;

async function getJson(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { statusCode, body } = await request(`http://127.0.0.1:${port}${path}`, { reset: true });
  return { status: statusCode, body: (await body.json()) as Record<string, unknown> };
}

test('examples/api under hive run: light route, compute on the pool and inline, health; reload and stop clean', async () => {
  const port = await freePort();
  const hive = startHive([api, '-i', '2', '--port', String(port), '--name', 'api', '--listen-timeout', '60s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);

  const home = await getJson(port, '/');
  assert.equal(home.status, 200);
  assert.equal(home.body.clusterSize, 2);
  const health = await getJson(port, '/health');
  assert.deepEqual([health.status, health.body.status], [200, 'ok']);

  const pooled = await getJson(port, '/compute?n=20');
  assert.deepEqual([pooled.status, pooled.body.result, pooled.body.on], [200, 6765, 'pool']);
  const inline = await getJson(port, '/compute-inline?n=20');
  assert.deepEqual([inline.status, inline.body.result, inline.body.on], [200, 6765, 'event loop']);
  assert.equal((await getJson(port, '/compute?n=99')).status, 400);
  assert.equal((await getJson(port, '/nope')).status, 404);

  // Both processes' pools are used and closed on retirement: a reload and a stop end every process with code 0.
  await Promise.all(Array.from({ length: 4 }, () => getJson(port, '/compute?n=22')));
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 90_000);
  assert.equal((await getJson(port, '/compute?n=20')).body.result, 6765);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  for (const exit of hive.records.filter(isEvent('exit'))) assert.equal(exit.code, 0);
});
