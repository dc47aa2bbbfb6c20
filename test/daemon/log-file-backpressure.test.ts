// The daemon's writer of an app's log file fell behind its own reading of the app's output whenever the disk was
// slower than the app (a machine whose cores are all busy): nothing paused that reading, so the app was never held
// and the writer's bound (16 MiB waiting) dropped lines, where `hive run > file` drops none. The daemon now stops
// reading an app's primary while its files' writers are behind, which holds the app on its own stdout, and reads on as
// they catch up; but not while it waits for an answer that comes behind those lines, nor once the primary is leaving.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Described, daemonFixture, type HiveHome, pidOf, readOrEmpty, tempHome, waitFor } from './helpers.js';

interface SlowDisk {
  hive: HiveHome;
  /** The disk slow from now on: a write let through every `ms`. */
  slowDown(): void;
  /** The disk fast again (a write let through for each of 60,000 bytes), for the end of a test. */
  speedUp(): void;
}

/** `apps` started on a daemon of their own whose disk is slow once asked (test/fixtures/daemon/slow-disk.cjs). */
async function onSlowDisk(apps: object[], ms: number): Promise<SlowDisk> {
  const hive = tempHome();
  const fifo = join(hive.dir, 'slow-disk');
  execFileSync('mkfifo', [fifo]);
  const from = join(hive.dir, 'slow-from');
  // The fixture acts in the daemon only, which this start starts.
  await hive.json(['start', hive.writeConfig(apps)], {
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${daemonFixture('slow-disk.cjs')}`,
      UV_THREADPOOL_SIZE: '1',
      HIVE_TEST_SLOW_DISK: fifo,
      HIVE_TEST_SLOW_DISK_MS: String(ms),
      HIVE_TEST_SLOW_DISK_FROM: from,
    },
  });
  return {
    hive,
    slowDown: () => writeFileSync(from, ''),
    speedUp: () => writeFileSync(fifo, 'x'.repeat(60_000)),
  };
}

/** The numbers of the lines of `file` that end in `filler` characters, in the order of the file. */
function lineNumbers(file: string, filler: string): number[] {
  const pattern = new RegExp(`(\\d+) ${filler}+$`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = pattern.exec(line);
      return match ? [Number(match[1])] : [];
    });
}

const inOrder = (numbers: number[]) => numbers.every((n, i) => n === i);

// About 32 MiB of lines: twice the writer's bound, which a daemon reading on regardless would drop part of.
const LINES = 32_000;

test('an app that logs faster than the disk takes its lines waits for the disk: every line is in the file once', async () => {
  const dir = tempHome().dir;
  const go = join(dir, 'go');
  // A disk that takes 64 KiB every 25 ms.
  const disk = await onSlowDisk(
    [
      {
        name: 'flood',
        script: daemonFixture('flood-on-go.cjs'),
        env: { FLOOD_LINES: String(LINES), FLOOD_GO: go, FLOOD_WIDTH: '1000' },
        autorestart: false,
        logRotation: { maxSize: '1G' },
      },
    ],
    25,
  );
  disk.slowDown();
  const out = join(disk.hive.home, 'logs', 'flood-out.log');
  writeFileSync(go, '');
  // Its last line, or a mark of lines dropped at the end (`flood done` among them).
  await waitFor(
    () => /(flood done|dropped here[^\n]*)\n$/.test(readOrEmpty(out).slice(-300)),
    'the end of the flood in the file',
    180_000,
  );
  assert.doesNotMatch(readFileSync(out, 'utf8'), /dropped here/);
  const numbers = lineNumbers(out, 'z');
  assert.equal(numbers.length, LINES);
  assert.ok(inOrder(numbers), 'every line once, in order');
});

// What dumps-on-shutdown writes on its way out: 6 MiB, through a disk that takes 64 KiB every 400 ms (37 s).
const DUMP_LINES = 6000;
const dumpApp = (more: object = {}) => ({
  name: 'dump',
  script: daemonFixture('dumps-on-shutdown.mjs'),
  env: { DUMP_LINES: String(DUMP_LINES) },
  logRotation: { maxSize: '1G' },
  ...more,
});

/**
 * `dumpApp()` started on a disk that is slow from then on, once its process serves (a fork-mode app is online once
 * spawned: a stop before its runtime is loaded would end it by the signal's default action, with no dump).
 */
async function dumpOnSlowDisk(more: object = {}): Promise<SlowDisk> {
  const disk = await onSlowDisk([dumpApp(more)], 400);
  const out = join(disk.hive.home, 'logs', 'dump-out.log');
  await waitFor(() => readOrEmpty(out).includes('listening\n'), 'the app serving', 30_000);
  disk.slowDown();
  return disk;
}

/**
 * Every line the app wrote on its way out is in its file, once, in order (6 MiB: under the file's bound). Not
 * necessarily last: a replacement's `listening`, its pipe held by its primary meanwhile, may come after.
 */
async function assertWholeDump(hive: HiveHome): Promise<void> {
  const out = join(hive.home, 'logs', 'dump-out.log');
  await waitFor(() => readOrEmpty(out).includes('dump done\n'), 'the last line of the dump in the file', 60_000);
  assert.doesNotMatch(readOrEmpty(out), /dropped here/);
  const numbers = lineNumbers(out, 'y');
  assert.equal(numbers.length, DUMP_LINES);
  assert.ok(inOrder(numbers), 'every line once, in order');
}

// The primary answers a reload on its stdout, behind the app's lines: there, all its retiring process wrote on its
// way out (read at once, so that it is not held up leaving). Read at the pace of a slow disk, the answer came after
// the reload's timeout, and the daemon took the primary for a hung one (ERR_HIVE_PRIMARY_UNRESPONSIVE, `reload failed`
// in `hive ls`) though the reload had gone through.
test('a reload of an app whose lines wait for a slow disk is answered, its primary not taken for a hung one', async () => {
  // The reload's timeout: (1 + 1) x (2 s + 3 s) + 10 s = 20 s, under the disk's 37 s.
  const disk = await dumpOnSlowDisk({ listen_timeout: 2000, kill_timeout: 3000 });
  const { hive } = disk;
  const before = await hive.json<Described>(['describe', 'dump']);
  const reload = await hive.run(['reload', 'dump']);
  const after = await hive.json<Described>(['describe', 'dump']);
  disk.speedUp();
  assert.equal(reload.code, 0, reload.stderr);
  assert.notEqual(pidOf(after, 'worker'), pidOf(before, 'worker'));
  assert.notEqual(after.reloadFailed, true);
  await assertWholeDump(hive);
});

// A primary on its way out waits for its reader only so long (exit-flushed.ts: 5 s, and its backlog's time at
// 512 KiB/s): read at the pace of a slow disk, the app's last lines still in it were lost, without a mark. It says it
// is leaving over IPC (primary-leaving.ts), and the rest of its output is read at once.
for (const mode of ['cluster', 'fork'] as const) {
  test(`a stop of an app (${mode} mode) whose last lines wait for a slow disk: every one of them in its file`, async () => {
    const disk = await dumpOnSlowDisk({ exec_mode: mode });
    const stop = await disk.hive.run(['stop', 'dump']);
    disk.speedUp();
    assert.equal(stop.code, 0, stop.stderr);
    await assertWholeDump(disk.hive);
  });
}
