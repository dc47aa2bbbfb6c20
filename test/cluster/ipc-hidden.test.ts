import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { fixture, freePort, type HiveRecord, killAll, startDriver } from './helpers.js';

after(killAll);

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;
const appSaw = (records: HiveRecord[]) =>
  records.filter((r) => r.kind === 'log' && String(r.line).startsWith('app-saw')).map((r) => r.line);

async function get(port: number): Promise<{ instance: string; pid: number }> {
  // A connection per request: in sticky mode each one is a handover (a message with the socket) to a process.
  const { statusCode, body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
  assert.equal(statusCode, 200);
  return (await body.json()) as { instance: string; pid: number };
}

// Hive's messages (cluster-size, sampling, sticky-connection, shutdown, flushed) reached an app's own
// `process.on('message')` listeners, which PM2 apps use for their own bus.
test("an app's 'message' listeners see none of Hive's messages, and Hive's features still work", async () => {
  const port = await freePort();
  const hive = startDriver({
    script: fixture('message-listener-app.cjs'),
    instances: 2,
    port,
    sticky: 'ip',
    waitReady: true,
  });
  // Ready through PM2's `process.send('ready')`: the app's own messages still reach the primary.
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  for (let i = 0; i < 5; i++) await get(port);

  // Sampling on: reports carry sampled requests, so the message arrived.
  hive.command('sample 3');
  assert.equal((await hive.waitFor(isResult('sample'), 'sample on')).ok, true);
  const sampled = () => hive.records.some((r) => r.kind === 'report' && (r.samples as string[]).length > 0);
  for (let n = 0; !sampled(); n++) {
    assert.ok(n < 50, 'no sampled request in 50 reports after sample 3');
    const seen = hive.records.length;
    await get(port);
    await hive.waitFor(() => hive.records.slice(seen).some((r) => r.kind === 'report'), 'the next report', 10_000);
  }

  hive.command('scale 3');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale')).ok, true);
  hive.command('reload');
  assert.equal((await hive.waitFor(isResult('reload'), 'reload')).ok, true);
  for (let i = 0; i < 5; i++) await get(port);
  hive.command('scale 1');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale down')).ok, true);
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);

  const exits = hive.records.filter((r) => r.kind === 'event' && r.type === 'exit');
  assert.ok(exits.length >= 5, `every retired process exited (${exits.length} exits)`);
  assert.ok(
    exits.every((r) => r.expected === true && r.code === 0),
    `every process exited through the runtime's shutdown: ${JSON.stringify(exits)}`,
  );
  assert.deepEqual(appSaw(hive.records), []);
});

// With PM2's shutdown_with_message the runtime hands the exit to the app's 'message' handlers, and took node's
// cluster's own listener (in every worker) for one: an app without a handler was left running until killTimeout's
// SIGKILL.
test("shutdown_with_message: an app with no 'message' handler of its own is exited by the runtime", async () => {
  const port = await freePort();
  const hive = startDriver(
    { script: fixture('no-message-handler-app.cjs'), instances: 1, port, killTimeout: 30_000 },
    { HIVE_SHUTDOWN_MESSAGE: '1' },
  );
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
  const exits = hive.records.filter((r) => r.kind === 'event' && r.type === 'exit');
  assert.deepEqual(
    exits.map((r) => [r.code, r.expected, r.killed]),
    [[0, true, false]],
  );
});
