import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { alive, fixture, freePort, isEvent, killAll, startHive, startLoad, until } from './helpers.js';

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
  const port = await freePort();
  // Each kill is a crash: a short min uptime keeps the slots restarting instead of ending errored.
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--min-uptime', '100ms'];
  const hive = startHive([...args, '--restart-delay', '50ms', '--max-restarts', '1000']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const outcome = { ok: 0, failed: 0, hung: 0 };
  let running = true;
  // A new connection for every request: each one is a handoff the balancer makes.
  const request = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
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
      // Far past any answer on loopback: a connection nobody serves never gets one.
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
  const readyCount = (instance: number) => hive.records.filter(isEvent('worker', { instance, state: 'ready' })).length;
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
  const fixed = startHive([...base, '--restart-delay', '200ms'], { CRASH_AFTER_MS: '50' });
  await until(() => fixed.records.filter(isEvent('restart')).length >= 2, 'two restarts');
  assert.deepEqual(
    fixed.records
      .filter(isEvent('restart'))
      .slice(0, 2)
      .map((r) => r.delay),
    [200, 200],
  );
  fixed.kill('SIGTERM');
  await fixed.exited;
  const both = startHive([...base, '--restart-delay', '200ms', '--exp-backoff-restart-delay', '20ms'], {
    CRASH_AFTER_MS: '50',
  });
  await until(() => both.records.filter(isEvent('restart')).length >= 2, 'two restarts');
  assert.deepEqual(
    both.records
      .filter(isEvent('restart'))
      .slice(0, 2)
      .map((r) => r.delay),
    [20, 30],
  );
  both.kill('SIGTERM');
  await both.exited;
});
