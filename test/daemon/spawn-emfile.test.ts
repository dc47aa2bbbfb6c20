// A daemon (or a fork-mode primary) out of file descriptors cannot spawn: Node then gives a process with no pid, no
// pipes and no IPC channel, and an 'error' on the next tick. The daemon read the pipes first: `hive start` failed with
// ERR_HIVE_DAEMON_INTERNAL (a TypeError), the 'error' was uncaught, the app stayed `starting` and delete and kill hung.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../ports.js';
import { appFixture, daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

type App = { status: string; lastError: string | null; processes: { role: string; pid: number }[] };
const describe = (name: string) => hive.json<App>(['describe', name]);
const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));

// A soft limit that leaves `free` descriptors above the lowest free one (the control connection takes one), restored by
// the function returned.
function limitFiles(pid: number, free: number): () => void {
  const open = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let lowest = 0;
  while (open.has(lowest)) lowest += 1;
  const soft = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))![1];
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${lowest + free}:`]);
  return () => execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`]);
}

test('a start the daemon cannot spawn (EMFILE) fails naming it, the app is errored, delete and kill work', async () => {
  await hive.json(['ls']);
  const daemon = Number(readFileSync(join(hive.home, 'daemon.pid'), 'utf8'));
  // Killed by the cleanup even when `hive kill` hangs (it did, on a daemon stuck this way).
  hive.pids.add(daemon);
  const restore = limitFiles(daemon, 3);
  const port = await freePort();
  const cluster = await hive.run(['start', appFixture, '--name', 'c1', '-i', '1', '--port', String(port)]);
  const fork = await hive.run(['start', daemonFixture('ticker.sh'), '--name', 'f1']);
  restore();
  for (const [name, started] of [
    ['c1', cluster],
    ['f1', fork],
  ] as const) {
    assert.equal(started.code, 1, started.stderr);
    assert.match(started.stderr, /ERR_HIVE_APP_OPERATION: .*did not start: cannot spawn its primary: spawn \S+ EMFILE/);
    const app = await describe(name);
    assert.equal(app.status, 'errored');
    assert.match(app.lastError ?? '', /^cannot spawn its primary: spawn \S+ EMFILE$/);
  }
  assert.doesNotMatch(daemonLog(), /uncaught|TypeError/);
  assert.equal((await hive.run(['delete', 'c1'])).code, 0);
  const [again] = await hive.json<App[]>(['start', 'f1']);
  assert.equal(again!.status, 'online', 'it starts once descriptors are free');
  assert.equal((await hive.run(['kill'])).code, 0);
});

test('a fork-mode restart its primary cannot spawn (EMFILE) is a crash of the slot, restarted once it can', async () => {
  const [app] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  const primary = app!.processes.find((p) => p.role === 'primary')!.pid;
  const child = app!.processes.find((p) => p.role !== 'primary')!.pid;
  // None: the process's exit frees its pipes, which the restart would take.
  const restore = limitFiles(primary, 0);
  process.kill(child, 'SIGKILL');
  await waitFor(
    () => /tick: .*worker 0 could not be started \(spawn \S+ EMFILE\)/.test(daemonLog()),
    'the failed spawn reported',
  );
  restore();
  await waitFor(async () => {
    const { status, processes } = await describe('tick');
    return status === 'online' && processes.some((p) => p.role !== 'primary' && p.pid !== child);
  }, 'restarted');
  assert.equal((await describe('tick')).processes.find((p) => p.role === 'primary')!.pid, primary, 'the same primary');
});
