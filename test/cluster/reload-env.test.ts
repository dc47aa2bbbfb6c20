import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import {
  fixture,
  freePort,
  get,
  type Hive,
  type HiveRecord,
  isEvent,
  killAll,
  startDriver,
  startLoad,
} from './helpers.js';

after(killAll);

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;
// The n-th (1-based) result of a driver command; records only grow, so its place among them is fixed.
const result =
  (hive: Hive, command: string, n = 1) =>
  (r: HiveRecord) =>
    isResult(command)(r) && hive.records.filter(isResult(command)).indexOf(r) === n - 1;

// PM2's `reload --update-env` without restarting the primary: cluster.fork(env) lays env over the primary's own
// process.env, so the Supervisor must both set the new values and unset those the new environment lacks.
test('a reload with a new environment serves it without a failed request, and later forks keep it', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('app.js'), instances: 2, port }, { GREETING: 'a', FAREWELL: 'bye' });
  assert.equal((await hive.waitFor(result(hive, 'start'), 'start')).ok, true);
  assert.equal((await get(port)).greeting, 'a');

  // Without an environment, a reload keeps the primary's.
  hive.command('reload');
  assert.equal((await hive.waitFor(result(hive, 'reload'), 'the plain reload')).ok, true);
  const plain = await get(port);
  assert.deepEqual([plain.greeting, plain.farewell], ['a', 'bye']);

  const load = startLoad(port, 4);
  await poll(() => load.stats.ok > 20, 'traffic before the reload');
  hive.command('reload-env {"GREETING":"b"}');
  const reloaded = await hive.waitFor(result(hive, 'reload-env'), 'the reload with a new environment');
  assert.equal(reloaded.ok, true, String(reloaded.message));
  const served = load.stats.ok;
  await poll(() => load.stats.ok > served + 20, 'traffic after the reload');
  const stats = await load.stop();
  assert.equal(stats.failed, 0, `failed requests: ${stats.errors.join('; ')}`);
  for (let i = 0; i < 4; i++) {
    const reply = await get(port);
    assert.deepEqual([reply.greeting, reply.farewell], ['b', null], 'FAREWELL, left out, is unset');
  }

  // Every later fork: a crash restart, a new slot, and the replacements of a plain reload.
  const crashed = await get(port);
  process.kill(crashed.pid, 'SIGKILL');
  await hive.waitFor(isEvent('restart', { instance: Number(crashed.instance) }), 'the crash restart');
  const restarted = await poll(async () => {
    const reply = await get(port).catch(() => undefined);
    return reply?.instance === crashed.instance && reply.pid !== crashed.pid ? reply : undefined;
  }, 'a reply of the restarted slot');
  assert.deepEqual([restarted.greeting, restarted.farewell], ['b', null]);
  hive.command('scale 3');
  assert.equal((await hive.waitFor(result(hive, 'scale'), 'scale up')).ok, true);
  const third = await poll(async () => {
    const reply = await get(port);
    return reply.instance === '2' ? reply : undefined;
  }, 'a reply of the new slot');
  assert.deepEqual([third.greeting, third.farewell], ['b', null]);
  hive.command('reload');
  assert.equal((await hive.waitFor(result(hive, 'reload', 2), 'a later plain reload')).ok, true);
  for (let i = 0; i < 6; i++) assert.equal((await get(port)).greeting, 'b');

  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('a reload environment that is not an object of strings is refused before anything is forked', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('app.js'), instances: 1, port }, { GREETING: 'a' });
  assert.equal((await hive.waitFor(result(hive, 'start'), 'start')).ok, true);
  const before = (await get(port)).pid;
  hive.command('reload-env {"GREETING":1}');
  const refused = await hive.waitFor(result(hive, 'reload-env'), 'the refused reload');
  assert.equal(refused.ok, false);
  assert.equal(refused.code, 'ERR_HIVE_INVALID_ARGUMENT');
  assert.match(String(refused.message), /env\.GREETING.*1 \(number\)/);
  assert.equal((await get(port)).pid, before);
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

// An aborted reload leaves the app's environment as it was: the slots it did not reach crash-restart in the old one (as
// their processes run), not in the environment of the reload that failed. A slot it did replace runs the new one, and
// restarts in it, until a reload moves it back.
test('an aborted reload with a new environment keeps the old one for the slots it did not reach', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('app.js'), instances: 2, port }, { GREETING: 'a' });
  assert.equal((await hive.waitFor(result(hive, 'start'), 'start')).ok, true);

  // Slot 0's replacement starts in GREETING=b; slot 1's throws at start, which aborts the reload there.
  hive.command('reload-env {"GREETING":"b","BROKEN_INSTANCE":"1"}');
  const aborted = await hive.waitFor(result(hive, 'reload-env'), 'the aborted reload');
  assert.equal(aborted.ok, false);
  assert.equal(aborted.code, 'ERR_HIVE_RELOAD_ABORTED');
  const replyOf = (instance: string, notPid?: number) =>
    poll(async () => {
      const reply = await get(port).catch(() => undefined);
      return reply?.instance === instance && reply.pid !== notPid ? reply : undefined;
    }, `a reply of slot ${instance}`);

  const old = await replyOf('1');
  assert.equal(old.greeting, 'a');
  const restarts = hive.records.filter(isEvent('restart', { instance: 1 })).length;
  process.kill(old.pid, 'SIGKILL');
  await hive.waitFor(
    () => hive.records.filter(isEvent('restart', { instance: 1 })).length > restarts,
    'the crash restart of slot 1',
  );
  const restarted = await replyOf('1', old.pid);
  assert.equal(restarted.greeting, 'a', 'the crash restart of a slot the reload did not reach forks in the old env');

  const replaced = await replyOf('0');
  assert.equal(replaced.greeting, 'b');
  process.kill(replaced.pid, 'SIGKILL');
  assert.equal((await replyOf('0', replaced.pid)).greeting, 'b', 'a replaced slot restarts in what it ran');

  // A plain reload moves every slot to the app's environment, which the aborted reload left as it was.
  hive.command('reload');
  const plain = await hive.waitFor(result(hive, 'reload'), 'the plain reload');
  assert.equal(plain.ok, true, String(plain.message));
  for (let i = 0; i < 6; i++) assert.equal((await get(port)).greeting, 'a');

  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});
