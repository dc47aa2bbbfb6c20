// The programmatic Supervisor against a careless caller: scale() or reload() before start(), a listener or reload
// callback that throws, scale(0), a scale whose new process fails. Each scenario runs in a child process
// (fixtures/cluster/api-guards.js): a throwing listener surfaces there as an uncaught exception, counted.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../ports.js';

const driver = new URL('../fixtures/cluster/api-guards.js', import.meta.url).pathname;

// The driver's findings, as JSON (their shape is the scenario's).
async function run(scenario: string): Promise<any> {
  const port = await freePort();
  const { stdout } = await promisify(execFile)(process.execPath, [driver, scenario, String(port)], {
    timeout: 60_000,
  });
  const lines = stdout.trim().split('\n');
  return { ...JSON.parse(lines.at(-1)!), callerForked: lines.some((line) => line.includes('"callerForked"')) };
}

test('scale() and reload() before start() reject with ERR_HIVE_SUPERVISOR_NOT_STARTED and fork nothing', async () => {
  const out = await run('not-started');
  assert.equal(out.scale.code, 'ERR_HIVE_SUPERVISOR_NOT_STARTED', JSON.stringify(out.scale));
  assert.equal(out.reload.code, 'ERR_HIVE_SUPERVISOR_NOT_STARTED', JSON.stringify(out.reload));
  assert.equal(out.forks, 0);
  assert.equal(out.callerForked, false, "the caller's own script was forked");
  assert.deepEqual(out.stop, { ok: true });
});

test('an `event` or `line` listener that throws cuts nothing short; each throw surfaces as uncaught', async () => {
  // It throws on every event: the worker's ready, the reload's start and done, the app's states.
  const out = await run('throwing-listener');
  assert.deepEqual(out.start, { ok: true });
  assert.equal(out.reload.ok, true, JSON.stringify(out.reload));
  assert.equal(out.reload.value.slots.length, 1);
  assert.equal(out.state, 'online');
  assert.deepEqual(out.stop, { ok: true });
  assert.ok(out.types.includes('reload') && out.types.includes('state'), out.types.join());
  assert.ok(out.uncaught.length >= out.types.length, `${out.uncaught.length} uncaught for ${out.types.length} events`);
  assert.ok(
    out.uncaught.every((message: string) => /listener threw/.test(message)),
    out.uncaught.join('\n'),
  );
});

test('a reload whose onStart and onReplaced throw goes on to replace every slot; the throws surface as uncaught', async () => {
  const out = await run('throwing-callbacks');
  assert.deepEqual(out.start, { ok: true });
  assert.equal(out.reload.ok, true, JSON.stringify(out.reload));
  assert.deepEqual(
    out.reload.value.slots.map((slot: { instance: number }) => slot.instance),
    [0, 1],
  );
  assert.deepEqual(out.replaced, [0, 1]);
  assert.equal(out.state, 'online');
  assert.deepEqual(out.uncaught, ['onStart threw', 'onReplaced threw', 'onReplaced threw']);
  assert.deepEqual(out.stop, { ok: true });
});

test('scale(0) is refused with ERR_HIVE_INVALID_ARGUMENT, not read as every core', async () => {
  const out = await run('scale-zero');
  assert.deepEqual(out.start, { ok: true });
  assert.equal(out.scale.code, 'ERR_HIVE_INVALID_ARGUMENT', JSON.stringify(out.scale));
  assert.match(out.scale.message, /scale\(0\) would stop every process: use stop\(\); for every core pass 'max'/);
  assert.equal(out.size, 1);
  assert.equal(out.forks, 1);
});

test('a scale whose new process fails rejects with no restart event for the slot it removes', async () => {
  const out = await run('scale-fails');
  assert.deepEqual(out.start, { ok: true });
  assert.equal(out.scale.code, 'ERR_HIVE_WORKER_NOT_READY', JSON.stringify(out.scale));
  assert.equal(out.size, 1);
  assert.deepEqual(out.restarts, []);
  assert.equal(out.scales, 0);
});
