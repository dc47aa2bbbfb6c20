// Fork mode's twin of test/cluster/memory-storm.test.ts: a max_memory_restart below what the app needs from its start
// restarted its process at every check (each second), forever, and said nothing of why. Now it is said once, and the
// restarts wait as the slot's crash restarts would; a process that grows past the limit later is restarted at once.
// The fork primary is driven over IPC as the daemon drives it: its records on stdout come in the order it said them.
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { forkRestartPolicy } from '../../dist/daemon/fork-restart-policy.js';
import { daemonFixture, isAlive, waitFor } from './helpers.js';

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;
const MiB = 2 ** 20;
const seen = new Set<number>();
const primaries: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'hive-fork-storm-'));

// The primaries first, stopped as the daemon stops them (each stops its processes): a failed test may leave one
// restarting a process each second, whose newest process the list of those seen may miss.
after(async () => {
  await Promise.all(
    primaries.map((primary) => {
      if (primary.exitCode !== null || primary.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => primary.once('exit', resolve));
      primary.kill('SIGTERM');
      return exited;
    }),
  );
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

type Line = { kind?: string; type?: string; id?: number; ok?: boolean; [key: string]: unknown };

const belowNeed = (instance: number) =>
  new RegExp(
    `^worker ${instance} \\(pid \\d+\\) used [\\d.]+ MiB at its first check after it became ready, over its 50 MiB ` +
      'limit: max_memory_restart is below what the app needs; its replacements now wait as crash restarts do ' +
      '\\(the next in \\d+ ms\\)$',
  );

/** A fork primary of holds-memory.cjs with a 50 MiB limit; its records as they come, and control requests. */
async function startPrimary(runArgs: string[], env: { [name: string]: string }) {
  const options = {
    name: 'mem',
    command: process.execPath,
    args: [daemonFixture('holds-memory.cjs')],
    instances: '1',
    autorestart: true,
    killTimeout: 5_000,
    restart: forkRestartPolicy(runArgs),
    maxMemoryRestart: 50 * MiB,
    // Ready once its memory is held (holds-memory.cjs): a slow start on a loaded machine must not make a process that
    // needs it from its start look like one that grew later.
    waitReady: true,
  };
  const primary = fork(forkPrimary, [JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...env },
  });
  primaries.push(primary);
  const records: Line[] = [];
  splitLines(primary.stdout!, (line: string) => {
    const record = JSON.parse(line) as Line;
    records.push(record);
    if (record.type === 'worker' && typeof record.pid === 'number') seen.add(record.pid);
  });
  const events = (type: string) => records.filter((r) => r.kind === 'event' && r.type === type);
  const warnings = (instance: number) => events('warning').filter((r) => belowNeed(instance).test(String(r.message)));
  let nextId = 1;
  const request = async (fields: { type: string; instances?: number }) => {
    const id = nextId++;
    primary.send({ hive: 1, id, ...fields });
    return waitFor(() => records.find((r) => r.type === 'control-result' && r.id === id), `${fields.type} answered`);
  };
  await waitFor(() => events('state').some((r) => r.state === 'online'), 'online', 15_000);
  return { primary, records, events, warnings, request };
}

async function stop(primary: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => primary.once('exit', resolve));
  primary.kill('SIGTERM');
  await exited;
  for (const pid of seen) await waitFor(() => !isAlive(pid), `process ${pid} gone with its primary`, 15_000);
}

test('fork mode: a process over the limit from its start is said once and waits the restart delay; one that grows later is restarted at once', async () => {
  // A fixed restart delay of an hour: no restart of a process over the limit from its start may come within the test.
  const app = await startPrimary(['--restart-delay=1h'], { HOLD_MB: '80', HOLD_INSTANCES: '1', GATE_DIR: dir });
  // Instance 1 needs 80 MB from its start. Its first check is the same round's as a check of instance 0 (within the
  // limit, so its next growth is a process growing later).
  assert.equal((await app.request({ type: 'scale', instances: 2 })).ok, true);
  const warning = await waitFor(() => app.warnings(1)[0], 'the warning of a limit below the need', 15_000);
  assert.match(String(warning.message), /\(the next in 3600000 ms\)$/);
  const overFromStart = app.events('worker').find((r) => r.instance === 1)!.pid;
  assert.ok(String(warning.message).includes(`(pid ${overFromStart})`), 'said of the process over from its start');
  // Instance 0 grows past the limit: restarted at the next check, the hour's delay notwithstanding.
  writeFileSync(join(dir, 'grow-0'), '');
  const restarted = await waitFor(() => app.events('memory-limit')[0], "instance 0's memory restart", 15_000);
  assert.equal(restarted.instance, 0);
  await waitFor(
    () => app.events('worker').filter((r) => r.instance === 0 && r.state === 'ready').length === 2,
    "instance 0's new process",
  );
  // That check was instance 1's second at least: still not restarted, nor said again.
  assert.deepEqual(
    app.events('memory-limit').map((r) => r.instance),
    [0],
  );
  assert.equal(app.warnings(1).length, 1);
  assert.equal(app.warnings(0).length, 0, 'a process that grows later is no limit below the need');
  assert.deepEqual(
    app.events('exit').map((r) => r.instance),
    [0],
    'only the restarted process exited',
  );
  await stop(app.primary);
});

test('fork mode: a limit below the need is said once however many restarts it takes, before the first', async () => {
  const app = await startPrimary([], { HOLD_MB: '80' });
  await waitFor(() => app.events('memory-limit').length >= 3, 'three memory restarts', 30_000);
  const warnings = app.warnings(0);
  assert.equal(warnings.length, 1, 'said once');
  // The crash restarts' backoff (100 ms first, by default).
  assert.match(String(warnings[0]!.message), /\(the next in 100 ms\)$/);
  const first = app.records.findIndex((r) => r.kind === 'event' && r.type === 'memory-limit');
  assert.ok(app.records.indexOf(warnings[0]!) < first, 'said before the first restart');
  // Each restart is of a new process over the limit from its start, and counts as a restart (a memory-limit event).
  const pids = app.events('memory-limit').map((r) => r.pid);
  assert.equal(new Set(pids).size, pids.length);
  assert.ok(String(warnings[0]!.message).includes(`(pid ${pids[0]})`));
  assert.equal(app.events('restart').length, 0, 'no crash restart');
  await stop(app.primary);
});
