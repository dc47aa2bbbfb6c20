import assert from 'node:assert/strict';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { forkRestartPolicy } from '../../dist/daemon/fork-restart-policy.js';
import { childrenOf, daemonFixture, isAlive, waitFor } from './helpers.js';

// The fork-mode primary on its own, driven over IPC as the daemon drives it, with requests sent at once: the daemon
// queues an app's commands, but the primary must not count on it (a newer or another daemon, a cron tick).

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;
const seen = new Set<number>();
const primaries: ChildProcess[] = [];

after(() => {
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  for (const primary of primaries) primary.kill('SIGKILL');
});

type Reply = { id: number; ok: boolean; size?: number; message?: string };

/** A fork primary running `instances` tickers; `request` sends control messages and resolves with their result. */
async function startPrimary(instances: number) {
  const options = {
    name: 'tick',
    command: daemonFixture('ticker.sh'),
    args: [],
    instances: String(instances),
    autorestart: true,
    killTimeout: 5_000,
    // The daemon's defaults (a crash restart needs a policy).
    restart: forkRestartPolicy([]),
  };
  const primary = fork(forkPrimary, [JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  primaries.push(primary);
  let online = false;
  const replies = new Map<number, (reply: Reply) => void>();
  // Answers come on stdout, behind the events they follow.
  splitLines(primary.stdout!, (line: string) => {
    const record = JSON.parse(line) as Reply & { kind?: string; type?: string; pid?: number; state?: string };
    if (record.kind === 'control' && record.type === 'control-result') replies.get(record.id)?.(record);
    if (record.type === 'worker' && record.pid) seen.add(record.pid);
    if (record.type === 'state' && record.state === 'online') online = true;
  });
  let nextId = 1;
  const request = (fields: { type: string; instances?: number; env?: NodeJS.ProcessEnv }) => {
    const id = nextId++;
    return new Promise<Reply>((resolve) => {
      replies.set(id, resolve);
      primary.send({ hive: 1, id, ...fields });
    });
  };
  await waitFor(() => online, 'the fork primary to be online', 15_000);
  return { primary, request };
}

/** Stops the primary; every process it ever reported must then be gone (none left behind, untracked). */
async function stopAndCheck(primary: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => primary.once('exit', resolve));
  primary.kill('SIGTERM');
  await exited;
  for (const pid of seen) await waitFor(() => !isAlive(pid), `process ${pid} to exit with its primary`, 15_000);
}

test('two reloads at once run one after the other: every slot has one process, none is orphaned', async () => {
  const { primary, request } = await startPrimary(2);
  const replies = await Promise.all([request({ type: 'reload' }), request({ type: 'reload' })]);
  assert.deepEqual(
    replies.map((r) => [r.ok, r.size]),
    [
      [true, 2],
      [true, 2],
    ],
  );
  assert.equal(childrenOf(primary.pid!).length, 2);
  await stopAndCheck(primary);
});

test('a scale during a reload waits for it: the primary ends with exactly the asked number of processes', async () => {
  for (const [from, to] of [
    [2, 3],
    [3, 1],
  ] as const) {
    const { primary, request } = await startPrimary(from);
    const [reloaded, scaled] = await Promise.all([
      request({ type: 'reload' }),
      request({ type: 'scale', instances: to }),
    ]);
    assert.deepEqual([reloaded.ok, scaled.ok, scaled.size], [true, true, to]);
    assert.equal(childrenOf(primary.pid!).length, to, `${from} -> ${to} during a reload`);
    await stopAndCheck(primary);
  }
});

/** A process's environment variable, from /proc (undefined when it has none of that name). */
function envOf(pid: number, name: string): string | undefined {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const entry = entries.find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

test('a reload whose environment cannot be spawned (E2BIG) fails, and leaves every slot running in the old one', async () => {
  const { primary, request } = await startPrimary(2);
  const before = childrenOf(primary.pid!);
  // One value over Linux's 128 KiB limit for a single string: exec refuses it, and node's spawn throws.
  const failed = await request({ type: 'reload', env: { ...process.env, TOO_BIG: 'x'.repeat(200_000) } });
  assert.equal(failed.ok, false);
  assert.match(failed.message ?? '', /E2BIG/);
  // The slot the reload had retired runs again, in the environment it had.
  await waitFor(() => childrenOf(primary.pid!).length === 2, 'both slots running');
  const after = childrenOf(primary.pid!);
  assert.notDeepEqual(after, before, 'the first slot was retired and started again');
  for (const pid of after) assert.equal(envOf(pid, 'TOO_BIG'), undefined);
  // Later starts (a crash restart, a new slot) use the old environment too.
  process.kill(after[0]!, 'SIGKILL');
  const scaled = await request({ type: 'scale', instances: 3 });
  assert.equal(scaled.ok, true);
  await waitFor(() => childrenOf(primary.pid!).length === 3 && !childrenOf(primary.pid!).includes(after[0]!), '3 up');
  for (const pid of childrenOf(primary.pid!)) assert.equal(envOf(pid, 'TOO_BIG'), undefined);
  await stopAndCheck(primary);
});

// The daemon dies: the primary's pipes to it close, so its next write fails (EPIPE). It must still stop its processes,
// SIGKILL past killTimeout included, rather than crash on the write and leave a stuck one running for ever.
test('a fork primary whose daemon died stops its processes, even one that ignores SIGTERM', async () => {
  const options = {
    name: 'stuck',
    command: daemonFixture('ignores-term.sh'),
    args: [],
    instances: '1',
    autorestart: true,
    killTimeout: 1_000,
    restart: forkRestartPolicy([]),
  };
  const standIn = spawn(
    process.execPath,
    [daemonFixture('stand-in-daemon.mjs'), forkPrimary, JSON.stringify(options)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const pids: { primary?: number; worker?: number } = {};
  splitLines(standIn.stdout!, (line: string) => Object.assign(pids, JSON.parse(line)));
  await waitFor(() => pids.primary !== undefined && pids.worker !== undefined, 'the stuck program up');
  seen.add(pids.worker!);
  standIn.kill('SIGKILL');
  await waitFor(() => !isAlive(pids.worker!), 'the stuck program killed after killTimeout', 20_000);
  await waitFor(() => !isAlive(pids.primary!), 'the primary gone');
});

/** VmRSS of a process in bytes, from /proc (0 once it is gone). */
function rssOf(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

// The fork twin of scale-memory.test.ts's race: memory-limit counts as a restart of the slot (the daemon's restarts),
// so it must be said only once the replacement is sure. Said as the guard queued it, behind a reload that then
// replaced the process anyway, it counted a restart that never ran.
test('a memory restart a reload made moot is neither done nor said (memory-limit counts as a restart)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-fork-mem-gate-'));
  const limit = 120 * 1024 * 1024;
  const options = {
    name: 'mem',
    command: process.execPath,
    args: [daemonFixture('mem-gated-fork.cjs')],
    instances: '2',
    autorestart: true,
    killTimeout: 5_000,
    restart: forkRestartPolicy([]),
    waitReady: true,
    listenTimeout: 120_000,
    maxMemoryRestart: limit,
  };
  const primary = fork(forkPrimary, [JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, GATE_DIR: dir, GROW_INSTANCE: '1' },
  });
  primaries.push(primary);
  const records: Record<string, unknown>[] = [];
  splitLines(primary.stdout!, (line: string) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    records.push(record);
    if (record.type === 'worker' && typeof record.pid === 'number') seen.add(record.pid);
  });
  const events = (type: string) => records.filter((r) => r.kind === 'event' && r.type === type);
  try {
    await waitFor(() => events('state').some((r) => r.state === 'online'), 'online', 15_000);
    const old = events('worker').find((r) => r.instance === 1 && r.state === 'ready')!.pid as number;
    // The reload replaces instance 0 first; its replacement waits for the gate, and the control queue with it.
    primary.send({ hive: 1, id: 1, type: 'reload' });
    await waitFor(
      () => events('worker').some((r) => r.instance === 0 && r.state === 'starting'),
      "instance 0's replacement started",
    );
    writeFileSync(join(dir, 'grow'), '');
    await waitFor(() => rssOf(old) > limit, "instance 1's process over the limit");
    // The guard reads every second and queues its restart behind the reload: a few of its rounds, so that it has seen
    // the process over the limit (this only makes the test sensitive; nothing here is asserted on time).
    await delay(3_000);
    writeFileSync(join(dir, 'open'), '');
    const result = (id: number) => records.find((r) => r.type === 'control-result' && r.id === id);
    assert.equal((await waitFor(() => result(1), 'the reload done')).ok, true);
    // The control queue runs in turn: once a scale to the same size is answered, the queued memory restart has run.
    primary.send({ hive: 1, id: 2, type: 'scale', instances: 2 });
    assert.equal((await waitFor(() => result(2), 'the scale done')).ok, true);
    assert.equal(events('memory-limit').length, 0, 'no memory restart said, none counted');
    const exitsOfOld = events('exit').filter((r) => r.pid === old);
    assert.equal(exitsOfOld.length, 1);
    assert.equal(exitsOfOld[0]!.expected, true, "the reload's retirement");
    const started = events('worker').filter((r) => r.instance === 1 && r.state === 'starting');
    assert.equal(started.length, 2, "the first process and the reload's replacement only");
    await stopAndCheck(primary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
