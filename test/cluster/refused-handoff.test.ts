import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fixture, freePort, isEvent, killAll, startHive, until } from './helpers.js';

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
  const outcome = { ok: 0, failed: 0, hung: 0 };
  let running = true;
  // A new connection for every request: each one is a handoff the balancer makes.
  const request = () =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (count: keyof typeof outcome) => {
        if (settled) return;
        settled = true;
        outcome[count]++;
        resolve();
      };
      const req = http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        res.on('end', () => settle('ok'));
        res.on('error', () => settle('failed'));
      });
      // Far past any answer on loopback: a connection nobody serves never gets one.
      req.setTimeout(15_000, () => {
        settle('hung');
        req.destroy();
      });
      req.on('error', () => settle('failed'));
    });
  const loops = Array.from({ length: 16 }, async () => {
    while (running) await request();
  });
  const readyCount = () => hive.records.filter(isEvent('worker', { instance: 0, state: 'ready' })).length;
  for (let round = 0; round < 8; round++) {
    const before = readyCount();
    // A SIGTERM sent to the process itself: it drains and exits, and its slot is restarted after.
    process.kill(hive.readyPids().get(0)!, 'SIGTERM');
    await until(() => readyCount() > before, 'the restart');
    await delay(150);
  }
  running = false;
  await Promise.all(loops);
  const { ok, failed, hung } = outcome;
  assert.equal(hung, 0, `${hung} connection(s) left unanswered (ok ${ok}, failed ${failed})`);
  assert.ok(ok > 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
