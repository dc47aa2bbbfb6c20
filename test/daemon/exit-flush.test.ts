// A primary that ends by itself must not exit before the daemon has read its last words: Node writes to a pipe
// asynchronously, so what waits in memory when the reader lags is lost to a bare process.exit().
import assert from 'node:assert/strict';
import { type ChildProcess, fork, type StdioOptions, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { childrenOf, daemonFixture, hiveBin, waitFor } from './helpers.js';

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;
const started: ReturnType<typeof spawn>[] = [];
after(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** Runs `args`, reads nothing of its stdout for a second, then all of it: its records, and the app lines counted. */
async function readLate(args: string[]): Promise<{ records: Record<string, unknown>[]; appLines: number }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  child.stdout!.pause();
  await delay(1000);
  const records: Record<string, unknown>[] = [];
  let appLines = 0;
  splitLines(child.stdout!, (line: string) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    if (record.kind === 'log') appLines += 1;
    else records.push(record);
  });
  child.stdout!.resume();
  await new Promise((resolve) => child.once('close', resolve));
  return { records, appLines };
}

// A fork-mode one-shot job: print-lots once, not restarted.
const oneShot = {
  name: 'lots',
  command: process.execPath,
  args: [daemonFixture('print-lots.mjs')],
  instances: '1',
  autorestart: false,
  killTimeout: 5_000,
};

const stoppedRecord = (records: Record<string, unknown>[]) =>
  records.find((record) => record.type === 'state' && record.state === 'stopped');

test('a fork primary whose one-shot job ended says so, and passes on every line, to a reader that lags', async () => {
  const { records, appLines } = await readLate([forkPrimary, JSON.stringify(oneShot)]);
  assert.equal(appLines, 30_000);
  assert.ok(stoppedRecord(records), JSON.stringify(records.slice(-3)));
});

test('hive run, its app ended by itself, says so and passes on every line to a reader that lags', async () => {
  const args = [hiveBin, 'run', daemonFixture('print-lots.mjs'), '-i', '1', '--no-autorestart', '--log-format', 'json'];
  const { records, appLines } = await readLate(args);
  assert.equal(appLines, 30_000);
  assert.ok(stoppedRecord(records), JSON.stringify(records.slice(-3)));
});

test('a fork primary waiting for its last words to be read refuses a scale: nothing starts that would outlive it', async () => {
  const marker = join(mkdtempSync(join(tmpdir(), 'hive-exit-flush-')), 'started');
  const primary = fork(forkPrimary, [JSON.stringify(oneShot)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, PRINT_LOTS_STARTED: marker },
  });
  started.push(primary);
  primary.stdout!.pause();
  // Its job has run, ended and been reaped: the primary has nothing left but the output it waits to hand over.
  await waitFor(() => existsSync(marker) && childrenOf(primary.pid!, { zombies: true }).length === 0, 'the job to end');
  rmSync(dirname(marker), { recursive: true, force: true });
  primary.send({ hive: 1, id: 1, type: 'scale', instances: 2 });
  await delay(200);
  const records: Record<string, unknown>[] = [];
  splitLines(primary.stdout!, (line: string) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    if (record.kind !== 'log') records.push(record);
  });
  primary.stdout!.resume();
  await new Promise((resolve) => primary.once('close', resolve));
  const answer = records.find((record) => record.kind === 'control');
  assert.deepEqual([answer?.ok, answer?.message], [false, 'the app has ended'], JSON.stringify(records.slice(-4)));
  assert.ok(stoppedRecord(records));
  assert.equal(records.filter((record) => record.type === 'worker' && record.state === 'ready').length, 1);
});

/**
 * `args` run with stdout (or stderr, `unread: 2`) into a FIFO this process holds open and never reads; `whileRunning`
 * is given the process and its other output stream. Resolves with its exit.
 */
async function runUnread(
  args: string[],
  {
    unread = 1,
    env,
    whileRunning,
  }: {
    unread?: 1 | 2;
    env?: NodeJS.ProcessEnv;
    whileRunning?: (child: ChildProcess, read: Readable) => Promise<void>;
  } = {},
): Promise<{ code: number | null; signal: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-unread-'));
  const fifo = join(dir, 'out');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  // Read and write at once: no open blocks, and the pipe has a reader for as long as the test holds it.
  const fd = openSync(fifo, 'r+');
  try {
    const stdio: StdioOptions = unread === 1 ? ['ignore', fd, 'pipe'] : ['ignore', 'pipe', fd];
    const child = spawn(process.execPath, args, { stdio, ...(env ? { env } : {}) });
    started.push(child);
    let exit: { code: number | null; signal: string | null } | undefined;
    child.once('exit', (code, signal) => {
      exit = { code, signal };
    });
    const read = (unread === 1 ? child.stderr : child.stdout)!;
    read.resume();
    await whileRunning?.(child, read);
    return await waitFor(() => exit, 'the exit, its output never read', 60_000);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

// exitFlushed had no bound: with a stdout nobody reads (a hung log reader that keeps the pipe open), a primary whose
// work was done never exited, and one being stopped lived on until SIGKILLed.
// 3,000 lines (300 kB, more as records) are several times what a pipe holds: the wait is then its 5 s and a second
// or so for what is held, where print-lots' default 3 MB made it 17 s.
const fewLines = { ...process.env, LINES: '3000' };
test("hive run whose stdout is never read still exits once its app has ended, with the run's code", async () => {
  const args = [hiveBin, 'run', daemonFixture('print-lots.mjs'), '-i', '1', '--no-autorestart', '--log-format', 'json'];
  assert.deepEqual(await runUnread(args, { env: fewLines }), { code: 0, signal: null });
});

test('a fork primary whose stdout is never read still exits once its one-shot job has ended', async () => {
  assert.deepEqual(await runUnread([forkPrimary, JSON.stringify(oneShot)], { env: fewLines }), {
    code: 0,
    signal: null,
  });
});

// hive run took its signal handlers off before that wait: a SIGTERM or Ctrl-C while it waited for its reader killed it
// by the signal's default action (143, 130 in a shell) instead of its exit with the run's own code.
test("hive run signalled while its last output waits for its reader exits with the run's code, not by the signal", async () => {
  const args = [hiveBin, 'run', daemonFixture('stderr-lots.cjs'), '-i', '1', '--no-autorestart'];
  const exit = await runUnread(args, {
    unread: 2,
    whileRunning: async (child, stdout) => {
      let text = '';
      stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      // Said as the run ends: the primary is then waiting for stderr's reader (nothing else runs before that).
      await waitFor(() => /app stopped/.test(text), 'the run over', 60_000);
      child.kill('SIGTERM');
    },
  });
  assert.deepEqual(exit, { code: 0, signal: null });
});

// exitFlushed gave its reader 5 s in all: a daemon reading a primary's last output more slowly than that (busy with
// other apps' lines) lost the rest, and the events at its end.
test('a fork primary whose reader takes its output slowly, over more than 5 s, passes on every line', async () => {
  // About 13 MB of records: under the primary's 16 MiB bound, and read over 10 s or more below.
  const lines = 60_000;
  const child = spawn(process.execPath, [forkPrimary, JSON.stringify(oneShot)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LINES: String(lines) },
  });
  started.push(child);
  const stdout = child.stdout!;
  let text = '';
  let sincePause = 0;
  // 64 KiB, then a pause of 50 ms: 1.3 MB/s at most, more than exitFlushed allows for (512 KiB/s). Flowing, not read():
  // once the primary exits, Node resumes its stdout, and what no 'data' listener takes is lost.
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    sincePause += chunk.length;
    if (sincePause < 64 * 1024) return;
    sincePause = 0;
    stdout.pause();
    setTimeout(() => stdout.resume(), 50);
  });
  await new Promise((resolve) => stdout.once('end', resolve));
  const records = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(records.filter((record) => record.kind === 'log').length, lines);
  assert.ok(stoppedRecord(records), JSON.stringify(records.slice(-3)));
});
