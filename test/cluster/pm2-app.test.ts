import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig, supervisorOptions } from 'hive/config';
import { poll } from '../poll.js';
import { freePort as freePortOn } from '../ports.js';
import {
  type AppReply,
  fixture,
  freePort,
  get,
  type Hive,
  type HiveRecord,
  isEvent,
  killAll,
  startDriver,
  startHive,
} from './helpers.js';

after(killAll);

const result = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

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

// PM2's shutdown_with_message: the app is told `process.send('shutdown')` instead of SIGINT, and its handler cleans up
// and exits. Under Hive the processes are still drained first; the handler then runs, and the app exits itself.
test("shutdown_with_message: an ecosystem app's 'shutdown' handler runs on reload and stop, and exits it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-pm2-app-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ecosystem.config.js');
  const app = { name: 'legacy', script: fixture('pm2-app.cjs'), instances: 2, shutdown_with_message: true };
  writeFileSync(file, `module.exports = { apps: [${JSON.stringify(app)}] };\n`);
  const config = await loadConfig(file);
  assert.deepEqual(config.warnings, []);
  const port = await freePort();
  const hive = startDriver({ ...supervisorOptions(config.apps[0]!, config.file), port });
  assert.equal((await hive.waitFor(result('start'), 'start')).ok, true);
  const lines = (text: string) => hive.records.filter((r) => r.kind === 'log' && r.line === text).length;

  hive.command('reload');
  assert.equal((await hive.waitFor(result('reload'), 'reload')).ok, true);
  await poll(() => lines('cleaned up') === 2, "both old processes' cleanup");
  assert.equal(lines('shutdown message received'), 2);
  assert.equal((await get(port)).instance !== undefined, true, 'the replacements serve');

  hive.command('stop');
  await hive.waitFor(result('stop'), 'stop');
  assert.equal(lines('cleaned up'), 4);
  const exits = hive.records.filter(isEvent('exit'));
  assert.equal(exits.length, 4);
  for (const exit of exits) assert.deepEqual([exit.code, exit.expected, exit.killed], [0, true, false]);
});

// Two free ports in a row, for an app whose instances listen on PORT, PORT + 1 (PM2's increment_var).
const freePortPair = (): Promise<number> => freePortOn('127.0.0.1', 2);

// PM2's instance_var names the variable that holds the instance number in place of NODE_APP_INSTANCE, which is then
// not set (node-config would load a default-<n>.json per instance by it; HIVE_INSTANCE stays); increment_var adds the
// instance number to a variable, so that `PORT: 3000` puts the instances on 3000, 3001, ... (each behind its own
// upstream line in nginx).
test('instance_var and increment_var set their variables per instance, across a reload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-pm2-vars-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePortPair();
  const file = join(dir, 'ecosystem.config.js');
  const app = {
    name: 'numbered',
    script: fixture('pm2-app.cjs'),
    instances: 2,
    instance_var: 'INSTANCE_ID',
    increment_var: 'PORT',
    env: { PORT: port },
  };
  writeFileSync(file, `module.exports = { apps: [${JSON.stringify(app)}] };\n`);
  const config = await loadConfig(file);
  assert.deepEqual(config.warnings, []);
  // The primary's own NODE_APP_INSTANCE (run under PM2, say) does not come through either.
  const hive = startDriver({ ...supervisorOptions(config.apps[0]!, config.file) }, { NODE_APP_INSTANCE: '7' });
  assert.equal((await hive.waitFor(result('start'), 'start')).ok, true);
  const replies = async () => {
    const [first, second] = [(await get(port)) as Numbered, (await get(port + 1)) as Numbered];
    return [first, second].map(({ instance, hiveInstance, instanceId, port }) => [
      instance,
      hiveInstance,
      instanceId,
      port,
    ]);
  };
  const expected = [
    [undefined, '0', '0', String(port)],
    [undefined, '1', '1', String(port + 1)],
  ];
  assert.deepEqual(await replies(), expected);
  hive.command('reload');
  assert.equal((await hive.waitFor(result('reload'), 'reload')).ok, true);
  assert.deepEqual(await replies(), expected);
  hive.command('stop');
  await hive.waitFor(result('stop'), 'stop');
});

type Numbered = AppReply & { hiveInstance?: string; instanceId?: string; port?: string };

// PM2 stops and reloads a process with SIGINT, so a PM2 app's cleanup sits in `process.on('SIGINT')`. Hive retires
// processes over IPC instead: after the drain the app's SIGINT handler runs, and the process ends by the handler's
// exit, or on its own once the handler has released what kept it alive.
for (const cleanup of ['exit', 'release']) {
  test(`a PM2 app's SIGINT handler runs on reload and stop (the handler ${cleanup}s)`, async () => {
    const port = await freePort();
    const hive = startHive(
      [fixture('pm2-sigint-app.cjs'), '-i', '2', '--port', String(port), '--kill-timeout', '60s'],
      { CLEANUP: cleanup },
    );
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const lines = (text: string) => hive.records.filter((r) => r.kind === 'log' && r.line === text).length;
    hive.kill('SIGHUP');
    await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 60_000);
    await poll(() => hive.records.filter(isEvent('exit')).length === 2, 'the old processes exit', {
      timeoutMs: 90_000,
    });
    assert.equal(lines('cleaned up'), 2);
    await get(port);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
    assert.equal(lines('SIGINT received'), 4);
    assert.equal(lines('cleaned up'), 4);
    const exits = hive.records.filter(isEvent('exit'));
    assert.equal(exits.length, 4);
    for (const exit of exits) assert.deepEqual([exit.code, exit.expected, exit.killed], [0, true, false]);
  });
}

// signal-exit's SIGINT listener acts only when its listeners are the only ones: the runtime's own listener, still
// there when the app was signalled, made it do nothing, and each retiring process sat out killTimeout to be SIGKILLed.
// Its re-raised SIGINT ends the process, as under PM2, and that is a retirement, not a crash.
test("an app whose SIGINT listener is signal-exit's retires on reload and stop, within no killTimeout", async () => {
  const port = await freePort();
  const hive = startHive([fixture('signal-exit-app.cjs'), '-i', '2', '--port', String(port), '--kill-timeout', '60s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 60_000);
  const exits = () => hive.records.filter(isEvent('exit'));
  await poll(() => exits().length === 2, 'the old processes exit', { timeoutMs: 90_000 });
  await get(port);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.equal(hive.records.filter((r) => r.kind === 'log' && r.line === 'exit handlers ran').length, 4);
  assert.equal(exits().length, 4);
  for (const exit of exits()) assert.deepEqual([exit.signal, exit.expected, exit.killed], ['SIGINT', true, false]);
  assert.equal(hive.records.filter(isEvent('killed')).length, 0);
});

// A signal-exit listener is in many apps that never asked for one (execa, write-file-atomic...). On Ctrl-C it must not
// take the process from Hive: the runtime's own listener stays, so signal-exit's does nothing, and the process is
// drained (the request in flight answered) and its onShutdown hooks run. (For a while the runtime's listener stepped
// aside, and signal-exit's ended the process at once: the request got an empty reply and no hook ran.) Then, the
// drain over, signal-exit's listener runs its exit handlers and ends the process, as under plain node: the runtime
// took it for an app handler that had had the signal, so nothing ended the process but killTimeout's SIGKILL.
for (const version of ['3', '4']) {
  test(`Ctrl-C: an app that loaded signal-exit v${version} is drained, its hooks run, then its exit handlers`, async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'hive-sigexit-'));
    const gate = join(dir, 'gate');
    try {
      const hive = startHive(
        [fixture('signal-exit-hooks-app.mjs'), '-i', '2', '--port', String(port), '--kill-timeout', '30s'],
        { SIGNAL_EXIT: version },
        { detached: true },
      );
      await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
      const slow = fetch(`http://127.0.0.1:${port}/slow?gate=${encodeURIComponent(gate)}`).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      }));
      await hive.waitFor((r) => r.kind === 'log' && r.line === 'slow request received', 'slow request', 30_000);
      process.kill(-hive.child.pid!, 'SIGINT');
      // The drain has begun when the primary says a process is draining; the answer is let through only then.
      await hive.waitFor(isEvent('worker', { state: 'draining' }), 'draining', 30_000);
      writeFileSync(gate, '');
      assert.deepEqual(await slow, { status: 200, body: 'slow done' });
      assert.equal((await hive.exited).code, 0);
      const lines = hive.records.filter((r) => r.kind === 'log').map((r) => String(r.line));
      assert.equal(lines.filter((line) => /^hook ran in [01]$/.test(line)).length, 2, JSON.stringify(lines));
      // Each process's exit handlers ran after its hooks, and their re-raised SIGINT ended it: no SIGKILL.
      for (const pid of new Set(hive.records.filter((r) => r.kind === 'log').map((r) => r.pid))) {
        const own = hive.records.filter((r) => r.kind === 'log' && r.pid === pid).map((r) => String(r.line));
        const hook = own.findIndex((line) => /^hook ran in/.test(line));
        assert.ok(hook >= 0 && own.indexOf('exit handlers ran') > hook, JSON.stringify(own));
      }
      const exits = hive.records.filter(isEvent('exit'));
      assert.equal(exits.length, 2);
      for (const exit of exits) assert.deepEqual([exit.signal, exit.expected, exit.killed], ['SIGINT', true, false]);
      assert.equal(hive.records.filter(isEvent('killed')).length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * A PM2 app whose SIGINT handler logs, run with 2 processes and a long killTimeout; `send` delivers the SIGINT. The
 * run ends with code 0 and each process ran its handler once; the processes' exit records are returned.
 */
async function sigintOncePerProcess(send: (hive: Hive) => void): Promise<HiveRecord[]> {
  const port = await freePort();
  const hive = startHive(
    [fixture('pm2-sigint-app.cjs'), '-i', '2', '--port', String(port), '--kill-timeout', '60s'],
    { CLEANUP: 'release' },
    { detached: true },
  );
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  send(hive);
  assert.equal((await hive.exited).code, 0);
  const exits = hive.records.filter(isEvent('exit'));
  assert.equal(exits.length, 2);
  for (const { pid } of exits) {
    const lines = hive.records.filter((r) => r.kind === 'log' && r.pid === pid && r.line === 'SIGINT received');
    assert.equal(lines.length, 1, `pid ${pid}`);
  }
  return exits;
}

// Ctrl-C signals the whole process group: the app's own SIGINT handler runs at once, in every process, and the
// primary's stop that follows must not run it again after the drain (the old code did: a database closed twice).
test("Ctrl-C (SIGINT to the process group) runs a PM2 app's SIGINT handler once per process", async () => {
  await sigintOncePerProcess((hive) => process.kill(-hive.child.pid!, 'SIGINT'));
});

// A SIGINT to the primary alone (`docker stop` with STOPSIGNAL SIGINT, a supervisor's kill) never reaches the app
// processes: the primary's stop still runs each app's SIGINT handler once, after the drain, and nothing waits for
// killTimeout.
test("SIGINT to the primary alone still runs a PM2 app's SIGINT handler once per process", async () => {
  const exits = await sigintOncePerProcess((hive) => hive.kill('SIGINT'));
  for (const { pid, killed } of exits) assert.equal(killed, false, `pid ${pid} waited out killTimeout`);
});

// The runtime has closed the app's server in the drain before the app's SIGINT handler closes it again: Node would
// answer that close with ERR_SERVER_NOT_RUNNING, and the app exit 1 at every reload and stop (0 under PM2).
test("a PM2 app's SIGINT handler that closes its server and exits with the outcome exits 0", async () => {
  const port = await freePort();
  const hive = startHive([fixture('pm2-close-app.cjs'), '-i', '2', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 60_000);
  await get(port);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  const exits = hive.records.filter(isEvent('exit'));
  assert.equal(exits.length, 4);
  for (const exit of exits) assert.deepEqual([exit.code, exit.expected, exit.killed], [0, true, false]);
  assert.deepEqual(
    hive.records.filter((r) => r.kind === 'log' && r.stream === 'stderr').map((r) => r.line),
    [],
  );
});

// PM2 reads process.send('ready') only with wait_ready: without it the process is ready when it listens, and the
// primary must not count it (nor send it requests, nor retire the old one on reload) before.
test("without --wait-ready, PM2's 'ready' message does not make a process ready before it listens", async () => {
  const port = await freePort();
  const hive = startHive([fixture('early-ready-app.cjs'), '-i', '1', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.equal(typeof (await get(port)).pid, 'number');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// hive/runtime's ready() is the app's own word and counts without --wait-ready too: a worker with no server calls it
// (only PM2's process.send('ready') is ignored without wait_ready).
test('without --wait-ready, ready() of hive/runtime still makes a worker with no server ready', async () => {
  const hive = startHive([fixture('no-server-ready-app.mjs'), '-i', '1', '--listen-timeout', '60s']);
  const outcome = await Promise.race([
    hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000).then(() => 'online'),
    hive.exited.then(({ code }) => `exited ${code}: ${hive.stderr.join('')}`),
  ]);
  assert.equal(outcome, 'online');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
