import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { alive, fixture, freePort, isEvent, killAll, startHive, startLoad, until } from './helpers.js';
import { assertNoneHung, killWorkersUnderNewConnections } from './kill-under-load.js';

after(killAll);

test('kill -9 of a worker under load: it is replaced, and only its connections see failures', async () => {
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '2', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const concurrency = 8;
  const load = startLoad(port, concurrency);
  await delay(300);
  const victim = hive.readyPids().get(0)!;
  process.kill(victim, 'SIGKILL');
  const exit = await hive.waitFor(isEvent('exit', { pid: victim }), 'exit of the killed worker');
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.expected, false);
  await hive.waitFor((r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== victim, 'replacement');
  const okBefore = load.stats.ok;
  await until(() => load.stats.ok > okBefore + 50, 'requests after the replacement');
  const stats = await load.stop();
  // Each keep-alive connection to the dead worker can fail at most its one in-flight request.
  assert.ok(stats.failed <= concurrency, `${stats.failed} failures: ${stats.errors.join('; ')}`);
  assert.equal(hive.readyPids().size, 2);
  assert.ok(!alive(victim));
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// Node's round-robin balancer keeps its copy of a connection it handed to a worker until the worker answers for it; one
// that dies first never does, and the connection stayed open in the primary, unserved, until the client gave up.
test('kill -9 of workers under connection-per-request load: every connection is answered or fails, none hangs', async () => {
  assertNoneHung(await killWorkersUnderNewConnections([]));
});

test('a crash loop backs off exponentially, then marks the app errored; --no-exit-on-error keeps it up', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '1', '--port', String(port), '--max-restarts', '3'];
  args.push('--exp-backoff-restart-delay', '20ms', '--min-uptime', '30s', '--no-exit-on-error');
  const hive = startHive(args, { CRASH_AFTER_MS: '50' });
  const errored = await hive.waitFor(isEvent('errored', { instance: 0 }), 'errored');
  assert.equal(errored.code, 3);
  assert.ok((errored.stderrTail as string[]).some((line) => line.includes('crashing on purpose')));
  const restarts = hive.records.filter(isEvent('restart'));
  assert.deepEqual(
    restarts.map((r) => r.attempt),
    [1, 2, 3],
  );
  const delays = restarts.map((r) => r.delay as number);
  assert.deepEqual(delays, [20, 30, 45]);
  // Order: every restart follows the crash it answers, and nothing is restarted after errored.
  const order = hive.records
    .filter((r) => r.kind === 'event' && ['exit', 'restart', 'errored'].includes(r.type!))
    .map((r) => r.type);
  assert.deepEqual(order, ['exit', 'restart', 'exit', 'restart', 'exit', 'restart', 'exit', 'errored']);
  await hive.waitFor(isEvent('state', { state: 'errored' }), 'app errored');
  await delay(300);
  assert.equal(hive.child.exitCode, null, 'the primary stays up');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// PM2's restart_delay alone is a fixed delay (its backoff applies only when exp_backoff_restart_delay is set): given
// without a backoff, it used to be overridden by Hive's default backoff (100 ms, x1.5), silently.
test('--restart-delay alone is the fixed delay of every restart; with a backoff given too, the backoff wins', async () => {
  const port = await freePort();
  const base = [fixture('app.js'), '-i', '1', '--port', String(port), '--min-uptime', '30s'];
  const cases: [string[], number[]][] = [
    [
      ['--restart-delay', '200ms'],
      [200, 200],
    ],
    [
      ['--restart-delay', '200ms', '--exp-backoff-restart-delay', '20ms'],
      [20, 30],
    ],
  ];
  for (const [flags, delays] of cases) {
    const hive = startHive([...base, ...flags], { CRASH_AFTER_MS: '50' });
    await until(() => hive.records.filter(isEvent('restart')).length >= 2, 'two restarts');
    const restarts = hive.records.filter(isEvent('restart')).slice(0, 2);
    assert.deepEqual(
      restarts.map((r) => r.delay),
      delays,
      flags.join(' '),
    );
    hive.kill('SIGTERM');
    await hive.exited;
  }
});

// PM2 starts the backoff over after a 30 s run (EXP_BACKOFF_RESET_TIMER), not after min_uptime: a process that crashed
// each time past --min-uptime (1 s by default; a database it could not reach yet) used to get the first delay forever.
test('the backoff grows over crashes that each come past --min-uptime (stable runs shorter than 30 s)', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '1', '--port', String(port), '--min-uptime', '0'];
  args.push('--exp-backoff-restart-delay', '20ms', '--max-restarts', '0');
  const hive = startHive(args, { CRASH_AFTER_MS: '50' });
  await until(() => hive.records.filter(isEvent('restart')).length >= 3, 'three restarts');
  const restarts = hive.records.filter(isEvent('restart')).slice(0, 3);
  // Each run was stable (--max-restarts 0 would have made the first unstable crash errored), and still backed off.
  assert.deepEqual(
    restarts.map((r) => [r.attempt, r.delay]),
    [
      [1, 20],
      [2, 30],
      [3, 45],
    ],
  );
  assert.equal(hive.records.filter(isEvent('errored')).length, 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
