import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, get, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

// PM2's wait_ready contract: the app calls `process.send('ready')`; it has never heard of hive/runtime's ready().
test("--wait-ready takes PM2's process.send('ready') as the ready signal", async () => {
  const port = await freePort();
  const hive = startHive([fixture('pm2-app.cjs'), '-i', '2', '--port', String(port), '--wait-ready']);
  const outcome = await Promise.race([
    hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000).then(() => 'online'),
    hive.exited.then(({ code }) => `exited ${code}: ${hive.stderr.join('')}`),
  ]);
  assert.equal(outcome, 'online');
  // With --wait-ready a listen does not count: online means the message was read (the old code timed out).
  assert.equal(typeof (await get(port)).pid, 'number');
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 60_000);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
