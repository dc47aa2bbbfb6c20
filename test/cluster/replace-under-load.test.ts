import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  fixture,
  freePort,
  get,
  type HiveRecord,
  isEvent,
  killAll,
  startDriver,
  startHive,
  startLoad,
} from './helpers.js';
import { startNewConnectionLoad } from './new-connection-load.js';

after(killAll);

// What a PM2 user moved for: a process retired by the primary (memory limit, scale down) drains, and its clients see
// nothing of it, on kept-alive connections as on a new connection per request.
const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

test('memory replacements under keep-alive and new-connection load fail no request, and none hangs', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--max-memory-restart', '120M'];
  // The keep-alive timeout longer than any stall: /grow fills 150 MB inside its request handler, which on a starved
  // machine blocks that process's loop for seconds (5-18 s seen on 2 busy cores). Past node's 5 s, the idle timers of
  // its kept-alive connections are due as the loop wakes, and node runs them before it reads the requests the clients
  // sent meanwhile: it destroys those sockets with the requests unread (ECONNRESET), before the retirement has even
  // begun (nodejs/node#43456). Node's own, with or without Hive; what this test checks is the drain's.
  const hive = startHive([...args, '--memory-report-interval', '100ms', '--keep-alive-timeout', '60s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const kept = startLoad(port, 8);
  const fresh = startNewConnectionLoad(port, 8);
  for (let round = 1; round <= 3; round++) {
    // One process (whichever the balancer picks) grows past the limit, and is replaced.
    await get(port, '/grow?mb=150');
    await hive.waitFor(() => hive.records.filter(isEvent('memory-limit')).length >= round, 'memory-limit event');
    const limit = hive.records.filter(isEvent('memory-limit'))[round - 1]!;
    await hive.waitFor(isEvent('exit', { pid: limit.pid }), 'the old process exit');
    await delay(100);
  }
  const keptStats = await kept.stop();
  const freshStats = await fresh.stop();
  assert.equal(keptStats.failed, 0, keptStats.errors.join('; '));
  assert.deepEqual({ failed: freshStats.failed, hung: freshStats.hung }, { failed: 0, hung: 0 });
  assert.ok(keptStats.ok > 0 && freshStats.ok > 0);
  assert.ok(hive.records.filter(isEvent('exit')).every((r) => r.expected === true));
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('scaling down and up under keep-alive and new-connection load fails no request, and none hangs', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('app.js'), instances: 2, port });
  await hive.waitFor(isResult('start'), 'start');
  const kept = startLoad(port, 8);
  const fresh = startNewConnectionLoad(port, 8);
  for (const size of [4, 1, 3, 1]) {
    const before = hive.records.filter(isResult('scale')).length;
    hive.command(`scale ${size}`);
    await hive.waitFor(() => hive.records.filter(isResult('scale')).length > before, `scale ${size}`);
    await delay(100);
  }
  const keptStats = await kept.stop();
  const freshStats = await fresh.stop();
  assert.ok(hive.records.filter(isResult('scale')).every((r) => r.ok === true));
  assert.equal(keptStats.failed, 0, keptStats.errors.join('; '));
  assert.deepEqual({ failed: freshStats.failed, hung: freshStats.hung }, { failed: 0, hung: 0 });
  assert.ok(keptStats.ok > 0 && freshStats.ok > 0);
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});
