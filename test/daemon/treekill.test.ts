import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { freePort } from '../ports.js';
import { type Described, daemonFixture, pidOf, readOrEmpty, tempHome, waitFor } from './helpers.js';
import { requestOf } from './home-processes.js';

// PM2's treekill: what an app process started must not outlive its stop, reload, scale down, delete or `hive kill`.
// One daemon for the file. An app a test stopped is left in it, stopped (no process to end; the last test's `hive kill`
// and the home's cleanup end the daemon): a `hive delete` of each was one more CLI run apiece.
const hive = tempHome();
// `hive stop`, `hive delete` and `hive describe` as the daemon's requests (what those commands send), on connections of
// the test's: what ends a tree is the daemon's doing, and what the commands print is not checked here (a CLI run
// apiece was a Node start apiece, and the describes of a wait for a new primary were polled).
const ask = <T = unknown>(cmd: 'stop' | 'delete' | 'describe', target: string) =>
  requestOf<T>(hive.home, cmd, { target });
// Not in hive.dir, which the home's cleanup removes (before the hook below would read them).
const pidDir = mkdtempSync(join(tmpdir(), 'tk-'));
const pidFiles: string[] = [];

const pidsIn = (file: string) => readOrEmpty(file).split('\n').filter(Boolean).map(Number);
// isAlive: a zombie (an orphan SIGKILLed, not yet reaped by whatever adopted it) is gone.
const running = (file: string) => pidsIn(file).filter((pid) => isAlive(pid));

// Whatever happens, no child of a fixture outlives the tests (the `treekill: false` one is meant to survive a stop).
after(() => {
  for (const pid of pidFiles.flatMap(pidsIn)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(pidDir, { recursive: true, force: true });
});

async function settles(file: string, count: number, what: string): Promise<number[]> {
  return waitFor(() => {
    const pids = running(file);
    return pids.length === count ? pids : undefined;
  }, what);
}

function bindable(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// A cluster app whose processes each start a `sleep`, the pids of which land in a file of its own.
async function sleeper(name: string, instances: number, flags: string[] = []): Promise<string> {
  const file = join(pidDir, name);
  pidFiles.push(file);
  await hive.json([
    'start',
    daemonFixture('spawns-sleep.js'),
    '-i',
    String(instances),
    '--name',
    name,
    '--env',
    `CHILD_PIDS=${file}`,
    ...flags,
  ]);
  await settles(file, instances, `the children of ${name}`);
  return file;
}

// An app of spawns-deaf-child.js (`fields` over its name and script) started from a config file: the pid of the child it
// starts, which ignores SIGINT and SIGTERM.
async function deafChild(name: string, fields: Record<string, unknown>, what: string): Promise<number> {
  const file = join(pidDir, name);
  pidFiles.push(file);
  const config = join(pidDir, `${name}.config.json`);
  const app = { name, script: daemonFixture('spawns-deaf-child.js'), ...fields, env: { CHILD_PIDS: file } };
  writeFileSync(config, JSON.stringify({ apps: [app] }));
  const started = await hive.run(['start', config]);
  assert.equal(started.code, 0, started.stderr);
  const [child] = await settles(file, 1, what);
  return child!;
}

test('cluster mode: the children of reloaded processes are gone after the reload', async () => {
  // One process: what a reload does to each (a second one was only a second worker to boot and reload).
  const file = await sleeper('reloaded', 1);
  const before = running(file);
  await hive.json(['reload', 'reloaded']);
  await waitFor(() => pidsIn(file).length === 2, 'the new process to start its child');
  for (const pid of before) assert.ok(!isAlive(pid), `the child ${pid} of a reloaded process is gone`);
  await ask('delete', 'reloaded');
});

test('cluster mode: the child of a process scaled away is gone after the scale', async () => {
  const file = await sleeper('scaled', 2);
  await hive.json(['scale', 'scaled', '1']);
  assert.equal(running(file).length, 1);
  await ask('delete', 'scaled');
});

test('cluster mode: no child is left after stop', async () => {
  const file = await sleeper('stopped', 1);
  await ask('stop', 'stopped');
  assert.deepEqual(running(file), []);
});

test('cluster mode: a child that ignores SIGTERM is SIGKILLed by the primary, which the daemon lets finish', async () => {
  const child = await deafChild('deaf-child', { instances: 1, killTimeout: 500 }, 'the child that ignores SIGTERM');
  await ask('stop', 'deaf-child');
  assert.ok(!isAlive(child), 'the child that ignores SIGTERM is gone after stop');
  const log = readOrEmpty(join(hive.home, 'daemon.log'));
  assert.match(log, /deaf-child: primary pid \d+ exited with code 0/, 'the primary stopped by itself');
  assert.doesNotMatch(log, /deaf-child: primary pid \d+ did not stop/, 'the daemon did not SIGKILL the primary');
});

test('cluster mode: no child is left after delete', async () => {
  const file = await sleeper('deleted', 1);
  await ask('delete', 'deleted');
  assert.deepEqual(running(file), []);
});

test('cluster mode: --no-treekill leaves the child running after stop', async () => {
  const file = await sleeper('kept-child', 1, ['--no-treekill']);
  const [child] = running(file);
  await ask('stop', 'kept-child');
  // The after() hook kills it.
  assert.ok(isAlive(child!), 'with --no-treekill the child outlives the stop');
});

// SIGKILLs the primary of `name` (the OOM killer's way) and resolves once the daemon has a new one online.
async function killPrimary(name: string): Promise<void> {
  const primary = pidOf(await ask<Described>('describe', name), 'primary');
  process.kill(primary, 'SIGKILL');
  await waitFor(async () => {
    const app = await ask<Described>('describe', name);
    const next = app.processes.find((p) => p.role === 'primary')?.pid;
    return app.status === 'online' && next !== undefined && next !== primary;
  }, `a new primary of ${name} online`);
}

test('cluster mode: what the processes of a SIGKILLed primary started is gone before the next primary starts', async () => {
  const file = await sleeper('primary-killed', 1);
  const before = running(file);
  await killPrimary('primary-killed');
  for (const pid of before) assert.ok(!isAlive(pid), `the child ${pid} of a process of the dead primary is gone`);
  // The new process's child is not the group's leftover.
  await settles(file, 1, 'the child of the new process');
  await ask('delete', 'primary-killed');
});

test('cluster mode: a child that ignores SIGTERM, left by a SIGKILLed primary, is SIGKILLed after killTimeout', async () => {
  const child = await deafChild('deaf-orphan', { instances: 1, killTimeout: 500 }, 'the child that ignores SIGTERM');
  await killPrimary('deaf-orphan');
  assert.ok(!isAlive(child), 'the child that ignores SIGTERM is gone');
  await ask('delete', 'deaf-orphan');
});

test('cluster mode: --no-treekill leaves what the processes of a SIGKILLed primary started', async () => {
  const file = await sleeper('kept-orphan', 1, ['--no-treekill']);
  const [child] = running(file);
  await killPrimary('kept-orphan');
  // The after() hook kills it.
  assert.ok(isAlive(child!), 'with --no-treekill the child outlives its primary');
  await ask('delete', 'kept-orphan');
});

// A fork-mode app of a config file: wrapper.sh runs port-holder.mjs on `port`, whose pid lands in `file`.
async function wrapped(name: string, port: number, extra: Record<string, unknown> = {}): Promise<[string, number]> {
  const file = join(pidDir, name);
  pidFiles.push(file);
  const config = join(pidDir, `${name}.config.json`);
  const { env, ...rest } = extra as { env?: Record<string, string> };
  const app = { name, script: daemonFixture('wrapper.sh'), env: { PORT: String(port), HOLDER_PIDS: file, ...env } };
  writeFileSync(config, JSON.stringify({ apps: [{ ...app, ...rest }] }));
  const started = await hive.run(['start', config]);
  assert.equal(started.code, 0, started.stderr);
  assert.doesNotMatch(started.stderr, /treekill/, 'treekill is a key Hive acts on, not one it ignores');
  const [holder] = await settles(file, 1, `the server behind the wrapper of ${name}`);
  return [file, holder!];
}

test('fork mode: a wrapper that forwards no signal has its server stopped with it, and the port freed', async () => {
  const port = await freePort();
  const [, holder] = await wrapped('web', port);
  await ask('stop', 'web');
  assert.ok(!isAlive(holder), 'the server behind the wrapper is gone after stop');
  assert.ok(await bindable(port), 'its port is free');
});

test('fork mode: a server that ignores SIGTERM is SIGKILLed after killTimeout', async () => {
  const port = await freePort();
  const [, holder] = await wrapped('deaf', port, { kill_timeout: 500, env: { IGNORE_TERM: '1' } });
  await ask('stop', 'deaf');
  assert.ok(!isAlive(holder), 'the server that ignores SIGTERM is gone after stop');
  assert.ok(await bindable(port), 'its port is free');
});

// The process ends at the stop signal (no handler) but its child ignores it: the primary exited as soon as the process
// had, before its tree's SIGKILL at killTimeout, and the child was left running.
test('fork mode: a child that ignores the stop signal is SIGKILLed though its parent exits at once', async () => {
  const fields = { exec_mode: 'fork', kill_timeout: 500 };
  const child = await deafChild('fork-deaf-child', fields, 'the child that ignores SIGINT and SIGTERM');
  await ask('stop', 'fork-deaf-child');
  assert.ok(!isAlive(child), 'the child that ignores the stop signal is gone after stop');
  const log = readOrEmpty(join(hive.home, 'daemon.log'));
  assert.match(log, /fork-deaf-child: worker 0 \(pid \d+\) exited with signal SIGINT/, 'its parent died of the signal');
});

test('fork mode: the server behind a wrapper whose primary was SIGKILLed is stopped, and the next one takes the port', async () => {
  const port = await freePort();
  // The wrapper outlives its stop signal (sh waits for its child): kill_timeout 500 ms, not 5 s, until its SIGKILL.
  const [file, holder] = await wrapped('fork-killed', port, { kill_timeout: 500 });
  await killPrimary('fork-killed');
  assert.ok(!isAlive(holder), 'the server of the dead primary is gone');
  // Without the port, the new server would have failed to listen.
  const [next] = await settles(file, 1, 'the server of the new primary');
  assert.notEqual(next, holder);
  await ask('delete', 'fork-killed');
});

test("fork mode: PM2's treekill: false leaves the server running", async () => {
  // The wrapper outlives the stop signal (sh waits for its child): it is SIGKILLed at kill_timeout, 500 ms rather than
  // the default 5 s of waiting; that SIGKILL too leaves the server running.
  const [, holder] = await wrapped('kept', await freePort(), { treekill: false, kill_timeout: 500 });
  await ask('stop', 'kept');
  // The after() hook kills it.
  assert.ok(isAlive(holder), 'with treekill: false the server outlives the stop');
});

// Last: the kill ends the file's daemon, which the tests after it would have started again.
test('cluster mode: no child is left after hive kill', async () => {
  const file = await sleeper('killed', 1);
  await hive.json(['kill']);
  assert.deepEqual(running(file), []);
});
