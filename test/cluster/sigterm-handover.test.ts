import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Supervisor, type SupervisorEvent } from '../../dist/cluster/index.js';
import { alive, fixture, freePort, get, isEvent, killAll, startHive, tempApp, until } from './helpers.js';
import { startNewConnectionLoad } from './new-connection-load.js';

after(killAll);

// A SIGTERM sent to the one process of `-i 1`: it used to drain at once and its slot was restarted only after its exit,
// so the port was closed meanwhile and every client got ECONNREFUSED. Its replacement is now forked at once, and it
// serves on until that one is ready: none is refused.
test('SIGTERM sent to the one process of -i 1 under connection-per-request load: no request fails', async () => {
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '1', '--port', String(port), '--min-uptime', '100ms']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const load = startNewConnectionLoad(port, 8);
  const pids = [hive.readyPids().get(0)!];
  const exitOf = (pid: number) => hive.records.find(isEvent('exit', { pid }));
  for (let round = 0; round < 5; round++) {
    const old = pids.at(-1)!;
    // Past --min-uptime since it was ready: a SIGTERM before that is a crash for the restart rules, with no handover.
    await delay(300);
    process.kill(old, 'SIGTERM');
    await until(() => {
      const now = hive.readyPids().get(0);
      return now !== undefined && now !== old;
    }, 'the replacement ready');
    pids.push(hive.readyPids().get(0)!);
    await until(() => exitOf(old) !== undefined, 'the old process exited');
  }
  const { ok, failed, hung, errors } = await load.stop();
  assert.equal(failed + hung, 0, `${failed} failed ${JSON.stringify(errors)}, ${hung} hung (ok ${ok})`);
  assert.ok(ok > 0);
  assert.equal(new Set(pids).size, pids.length, `pids: ${pids.join(' ')}`);
  for (const [round, pid] of pids.slice(0, -1).entries()) {
    const exit = exitOf(pid)!;
    assert.equal(exit.code, 0);
    assert.equal(exit.retiredBy, 'SIGTERM');
    // The replacement was ready before the old process exited, and no second one was started.
    const exitAt = hive.records.indexOf(exit);
    const readyAt = hive.records.findIndex(isEvent('worker', { pid: pids[round + 1], state: 'ready' }));
    assert.ok(readyAt < exitAt, `round ${round}: replacement ready at record ${readyAt}, old exit at ${exitAt}`);
  }
  const restarts = hive.records.filter(isEvent('restart'));
  assert.equal(restarts.length, 5);
  assert.ok(restarts.every((restart) => restart.retiredBy === 'SIGTERM' && restart.attempt === 0));
  assert.equal(hive.records.filter(isEvent('worker', { state: 'starting' })).length, 6);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// The old process may end otherwise once its replacement is forked: its own SIGTERM handler exits, with an error
// code (here once the test has seen the replacement forked). Its exit is reported as what it was (a crash), but the
// replacement already fills the slot: nothing more is started, and the slot's crash-loop count is not charged.
test('a process that crashes on its SIGTERM after its replacement was forked: no second process starts', async () => {
  const port = await freePort();
  const source = `
    import { existsSync } from 'node:fs';
    import http from 'node:http';
    import { join } from 'node:path';
    const crash = join(import.meta.dirname, 'crash');
    process.on('SIGTERM', () => setInterval(() => existsSync(crash) && process.exit(3), 20));
    http.createServer((req, res) => res.end(String(process.pid))).listen(Number(process.env.PORT), '127.0.0.1');
  `;
  const { dir, app } = tempApp('hive-sigterm-crash-', source);
  const hive = startHive([app, '-i', '1', '--port', String(port), '--min-uptime', '100ms']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const old = hive.readyPids().get(0)!;
  await delay(300);
  process.kill(old, 'SIGTERM');
  await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'starting' })(r) && r.pid !== old,
    'the replacement forked',
  );
  writeFileSync(join(dir, 'crash'), '');
  const exit = await hive.waitFor(isEvent('exit', { pid: old }), 'the old process exited');
  const fresh = await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== old,
    'the replacement ready',
  );
  assert.equal(exit.code, 3);
  assert.equal(exit.retiredBy, undefined);
  assert.equal(exit.noRestart, undefined);
  // The restart a crash gets comes with its exit event: none did.
  const restarts = hive.records.filter(isEvent('restart'));
  assert.deepEqual(
    restarts.map((r) => [r.attempt, r.retiredBy]),
    [[0, 'SIGTERM']],
  );
  assert.deepEqual(
    hive.records.filter(isEvent('worker', { state: 'starting' })).map((r) => r.pid),
    [old, fresh.pid],
  );
  assert.equal(hive.records.filter(isEvent('errored')).length, 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// The replacement's start waits on a file the test creates, so that a reload or a stop lands while it starts and the
// old process still serves.
const gatedApp = () =>
  tempApp(
    'hive-sigterm-gate-',
    `
    import { existsSync } from 'node:fs';
    import http from 'node:http';
    import { join } from 'node:path';
    const dir = import.meta.dirname;
    console.log('started');
    if (existsSync(join(dir, 'slow'))) while (!existsSync(join(dir, 'go'))) await new Promise((r) => setTimeout(r, 20));
    const reply = (req, res) => res.end(JSON.stringify({ pid: process.pid }));
    http.createServer(reply).listen(Number(process.env.PORT), '127.0.0.1');
  `,
  );

/**
 * The gated app under `-i 1`, its one process (`old`) sent SIGTERM once online: resolves with the replacement's
 * `starting` event (`fresh`), the replacement held at the gate until the test writes `go` in `dir`.
 */
async function handoverAtTheGate() {
  const port = await freePort();
  const { dir, app } = gatedApp();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--min-uptime', '100ms']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const old = hive.readyPids().get(0)!;
  writeFileSync(join(dir, 'slow'), '');
  await delay(300);
  process.kill(old, 'SIGTERM');
  const fresh = await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'starting' })(r) && r.pid !== old,
    'the replacement forked',
  );
  return { port, dir, hive, old, fresh };
}

test('a reload during the handover replaces the replacement, and retires the old process too', async () => {
  const { port, dir, hive, old, fresh: first } = await handoverAtTheGate();
  hive.kill('SIGHUP');
  const second = await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'starting' })(r) && r.pid !== old && r.pid !== first.pid,
    "the reload's process forked",
  );
  // The old process still serves while both start.
  assert.equal((await get(port)).pid, old);
  writeFileSync(join(dir, 'go'), '');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload done', 30_000);
  assert.equal(hive.readyPids().get(0), second.pid);
  assert.equal((await get(port)).pid, second.pid);
  const exits = new Map(hive.records.filter(isEvent('exit')).map((r) => [r.pid, r]));
  assert.ok(exits.has(old) && exits.has(first.pid), 'the old process and the first replacement exited');
  assert.equal(hive.records.filter(isEvent('worker', { state: 'starting' })).length, 3);
  assert.ok(hive.records.filter(isEvent('restart')).every((r) => r.retiredBy === 'SIGTERM'));
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a stop during the handover retires the old process and the replacement still starting', async () => {
  const { hive, old, fresh } = await handoverAtTheGate();
  // Its runtime is loaded: the primary's SIGTERM reaches its handler, not the default action.
  await hive.waitFor((r) => r.kind === 'log' && r.pid === fresh.pid && r.line === 'started', 'the app code running');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.ok(!alive(old) && !alive(fresh.pid as number));
  assert.equal(hive.records.filter(isEvent('worker', { state: 'starting' })).length, 2);
  // Both drained and exited on the stop's word, none ended by --kill-timeout's SIGKILL.
  const byPid = new Map(hive.records.filter(isEvent('exit')).map((r) => [r.pid, [r.code, r.signal]]));
  assert.deepEqual(byPid.get(old), [0, null]);
  assert.deepEqual(byPid.get(fresh.pid), [0, null]);
  assert.equal(hive.records.filter(isEvent('killed')).length, 0);
});

test('a replacement that fails to start is a crash of the slot; the old process drains once it has failed', async () => {
  const port = await freePort();
  const source = `
    import { rmSync } from 'node:fs';
    import http from 'node:http';
    import { join } from 'node:path';
    // The first start after the test wrote this file fails, once.
    try {
      rmSync(join(import.meta.dirname, 'fail'));
      throw new Error('this start fails');
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    const reply = (req, res) => res.end(JSON.stringify({ pid: process.pid }));
    http.createServer(reply).listen(Number(process.env.PORT), '127.0.0.1');
  `;
  const { dir, app } = tempApp('hive-sigterm-fail-', source);
  const hive = startHive([app, '-i', '1', '--port', String(port), '--min-uptime', '100ms', '--restart-delay', '50ms']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const old = hive.readyPids().get(0)!;
  writeFileSync(join(dir, 'fail'), '');
  await delay(300);
  process.kill(old, 'SIGTERM');
  // The replacement's crash goes through the restart rules (attempt 1), not the old process's exit.
  const crashRestart = await hive.waitFor(isEvent('restart', { attempt: 1 }), 'the crash restart');
  const failed = hive.records.find(
    (r) => isEvent('exit')(r) && r.pid !== old && hive.records.indexOf(r) < hive.records.indexOf(crashRestart),
  );
  assert.ok(failed, 'the replacement exited before its crash restart');
  assert.notEqual(failed.code, 0);
  const exit = await hive.waitFor(isEvent('exit', { pid: old }), 'the old process exited');
  assert.equal(exit.code, 0);
  assert.equal(exit.retiredBy, 'SIGTERM');
  // It served on until then.
  assert.ok(hive.records.indexOf(exit) > hive.records.indexOf(failed), 'the old process exited after the replacement');
  await until(() => {
    const now = hive.readyPids().get(0);
    return now !== undefined && now !== old;
  }, 'a replacement ready');
  assert.deepEqual(
    hive.records.filter(isEvent('restart')).map((r) => [r.attempt, r.retiredBy]),
    [
      [0, 'SIGTERM'],
      [1, undefined],
    ],
  );
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a scale down during the handover retires the replacement and the old process, and waits for both', async () => {
  const port = await freePort();
  const { dir, app } = gatedApp();
  const sup = new Supervisor({ script: app, instances: 2, port, minUptime: 100 });
  const events: SupervisorEvent[] = [];
  sup.on('event', (event: SupervisorEvent) => events.push(event));
  try {
    await sup.start();
    const old = sup.workers.find((w) => w.instance === 1)!.pid;
    writeFileSync(join(dir, 'slow'), '');
    await delay(300);
    process.kill(old, 'SIGTERM');
    await until(() => sup.workers.some((w) => w.instance === 1 && w.state === 'starting'), 'the replacement forked');
    const fresh = sup.workers.find((w) => w.instance === 1 && w.state === 'starting')!.pid;
    const result = await sup.scale(1);
    assert.deepEqual(result.removed, [{ instance: 1, pid: fresh }]);
    assert.ok(!alive(old) && !alive(fresh), 'both exited when the scale resolved');
    assert.deepEqual(
      sup.workers.map((w) => w.instance),
      [0],
    );
    const restarts = events.filter((e) => e.type === 'restart');
    assert.deepEqual(restarts, [{ type: 'restart', instance: 1, attempt: 0, delay: 0, retiredBy: 'SIGTERM' }]);
  } finally {
    await sup.stop();
  }
});

// A SIGTERM to the whole process group (systemd's KillMode=control-group for a unit running `hive run`, `kill -TERM
// -<pgid>`) reaches the primary and its processes at once, and their `draining` may be read before the primary's own
// handler runs: a replacement was then forked per slot, and retired at once by the stop ("did not become ready: it
// exited before it was ready"). The replacement's fork now waits a moment, in which the stop begins: none is forked.
async function groupSigterm(order: 'at once' | 'processes first'): Promise<void> {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--min-uptime', '100ms'];
  // The forced order acts inside the fork's wait: a long one, so that a loaded machine's slow test cannot miss it.
  const env: Record<string, string> = order === 'at once' ? {} : { HIVE_HANDOVER_DELAY_MS: '10000' };
  const hive = startHive(args, env, { detached: true });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const pids = [...hive.readyPids().values()];
  // Past --min-uptime since they were ready: a SIGTERM of their own is a retirement that refills the slot.
  await delay(300);
  if (order === 'at once') process.kill(-hive.child.pid!, 'SIGTERM');
  else {
    // The group's signal, in the order that wasted the forks: the primary reads the processes' `draining` first.
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    for (const pid of pids) await hive.waitFor(isEvent('worker', { pid, state: 'draining' }), `${pid} draining`);
    hive.kill('SIGTERM');
  }
  assert.equal((await hive.exited).code, 0);
  const starting = hive.records.filter(isEvent('worker', { state: 'starting' })).map((r) => r.pid);
  assert.deepEqual(starting.toSorted(), pids.toSorted(), 'no process forked after the signal');
  assert.deepEqual(hive.records.filter(isEvent('restart')), []);
  const output = JSON.stringify(hive.records) + hive.stderr.join('');
  assert.ok(!output.includes('did not become ready'), output);
  for (const pid of pids) assert.deepEqual(hive.records.find(isEvent('exit', { pid }))?.code, 0);
}

test('SIGTERM to the process group of -i 2: the stop forks no replacement', () => groupSigterm('at once'));

test("the group's SIGTERM read from the processes before the primary's own: no replacement either", () =>
  groupSigterm('processes first'));

// The replacement's fork waits a moment (see the group SIGTERM above): a process that crashes on its SIGTERM within
// it is a crash of the slot, restarted under the crash rules, as without a handover; one that crashes later leaves the
// slot to the replacement already forked. Either way one process, and one only, is started in its place.
test('a process that crashes at once on its SIGTERM: one process, and one only, takes its place', async () => {
  const port = await freePort();
  const source = `
    import http from 'node:http';
    process.on('SIGTERM', () => process.exit(3));
    http.createServer((req, res) => res.end(String(process.pid))).listen(Number(process.env.PORT), '127.0.0.1');
  `;
  const { app } = tempApp('hive-sigterm-crash-now-', source);
  const args = [app, '-i', '1', '--port', String(port), '--min-uptime', '100ms', '--restart-delay', '50ms'];
  const hive = startHive(args);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const old = hive.readyPids().get(0)!;
  await delay(300);
  process.kill(old, 'SIGTERM');
  assert.equal((await hive.waitFor(isEvent('exit', { pid: old }), 'the old process exited')).code, 3);
  await until(() => {
    const now = hive.readyPids().get(0);
    return now !== undefined && now !== old;
  }, 'a replacement ready');
  // Time for a second fork, were one to come.
  await delay(600);
  assert.equal(hive.records.filter(isEvent('worker', { state: 'starting' })).length, 2);
  assert.equal(hive.records.filter(isEvent('restart')).length, 1);
  assert.equal(hive.records.filter(isEvent('errored')).length, 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test("a reload begun before the handover's fork: its process takes the slot, no other is forked", async () => {
  const port = await freePort();
  const { dir, app } = gatedApp();
  // The reload must begin inside the fork's wait: a long one, so that a loaded machine's slow test cannot miss it.
  const env = { HIVE_HANDOVER_DELAY_MS: '10000' };
  const hive = startHive([app, '-i', '1', '--port', String(port), '--min-uptime', '100ms'], env);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const old = hive.readyPids().get(0)!;
  writeFileSync(join(dir, 'slow'), '');
  await delay(300);
  process.kill(old, 'SIGTERM');
  await hive.waitFor(isEvent('worker', { pid: old, state: 'draining' }), 'the old process draining');
  hive.kill('SIGHUP');
  const fresh = await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'starting' })(r) && r.pid !== old,
    "the reload's process forked",
  );
  // A while into the reload's start: the old process still serves, and nothing else starts.
  await delay(600);
  assert.equal((await get(port)).pid, old);
  writeFileSync(join(dir, 'go'), '');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload done', 30_000);
  assert.equal(hive.readyPids().get(0), fresh.pid);
  assert.equal((await hive.waitFor(isEvent('exit', { pid: old }), 'the old process exited')).code, 0);
  assert.equal(hive.records.filter(isEvent('worker', { state: 'starting' })).length, 2);
  assert.deepEqual(hive.records.filter(isEvent('restart')), []);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
