import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fixture, freePort, isEvent, killAll, startHive, until } from './helpers.js';

after(killAll);

// The sticky router owns the listener and hands each connection (with the head it read) to a worker over IPC. A worker
// killed with handoffs queued for it, or written to its channel and not taken yet, must not leave their connections
// open in the primary, unserved: each is served by another worker or closed, so its client gets an answer or an error.
for (const sticky of ['ip', 'header:x-client']) {
  test(`--sticky ${sticky}: kill -9 of workers under connection-per-request load, none hangs`, async () => {
    const port = await freePort();
    // Each kill is a crash: a short min uptime keeps the slots restarting instead of ending errored.
    const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--sticky', sticky, '--min-uptime', '100ms'];
    const hive = startHive([...args, '--restart-delay', '50ms', '--max-restarts', '1000']);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const outcome = { ok: 0, failed: 0, hung: 0 };
    let running = true;
    let next = 0;
    // A new connection for every request: each one is a handoff the router makes, to either slot (by header).
    const request = () =>
      new Promise<void>((resolve) => {
        const headers = { 'x-client': `client-${next++}` };
        const req = http.get({ host: '127.0.0.1', port, agent: false, headers }, (res) => {
          res.resume();
          res.on('end', () => {
            outcome.ok++;
            resolve();
          });
          res.on('error', () => {
            outcome.failed++;
            resolve();
          });
        });
        // Far past any answer on loopback (and past the router's wait for a ready process): a connection nobody
        // serves never gets one.
        req.setTimeout(15_000, () => {
          outcome.hung++;
          req.destroy();
        });
        req.on('error', () => {
          outcome.failed++;
          resolve();
        });
      });
    const loops = Array.from({ length: 16 }, async () => {
      while (running) await request();
    });
    const readyCount = (instance: number) =>
      hive.records.filter(isEvent('worker', { instance, state: 'ready' })).length;
    for (let kill = 0; kill < 12; kill++) {
      const instance = kill % 2;
      const before = readyCount(instance);
      process.kill(hive.readyPids().get(instance)!, 'SIGKILL');
      await until(() => readyCount(instance) > before, 'the replacement');
      await delay(100);
    }
    running = false;
    await Promise.all(loops);
    assert.equal(
      outcome.hung,
      0,
      `${outcome.hung} connection(s) left unanswered (ok ${outcome.ok}, failed ${outcome.failed})`,
    );
    assert.ok(outcome.ok > 0);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}
