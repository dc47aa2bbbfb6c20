import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fixture, freePort, isEvent, killAll, startHive, until } from './helpers.js';
import { startNewConnectionLoad } from './new-connection-load.js';

after(killAll);

// A process that drains closes its server, and refuses a connection node's balancer handed it just before (`accepted:
// false`): the balancer queues it again. When that process was the port's last, the balancer had ended meanwhile, and
// the connection stayed open in the primary, unserved, until the client gave up (a SIGTERM sent to the one process of
// `-i 1`, a stop, every other slot down).
test('the last process of the port drains under connection-per-request load: no connection hangs', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '1', '--port', String(port), '--min-uptime', '100ms'];
  const hive = startHive([...args, '--restart-delay', '50ms', '--max-restarts', '1000']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  // A new connection for every request: each one is a handoff the balancer makes.
  const load = startNewConnectionLoad(port);
  const readyCount = () => hive.records.filter(isEvent('worker', { instance: 0, state: 'ready' })).length;
  for (let round = 0; round < 8; round++) {
    const before = readyCount();
    // A SIGTERM sent to the process itself: it drains and exits, and its slot is restarted after.
    process.kill(hive.readyPids().get(0)!, 'SIGTERM');
    await until(() => readyCount() > before, 'the restart');
    await delay(150);
  }
  const { ok, failed, hung } = await load.stop();
  assert.equal(hung, 0, `${hung} connection(s) left unanswered (ok ${ok}, failed ${failed})`);
  assert.ok(ok > 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
