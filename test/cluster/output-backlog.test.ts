import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { fixture, hiveBin, killAll, tempDir } from './helpers.js';

after(killAll);

const LINES = 30_000;

test("hive run drops the app's lines past 16 MiB its stdout reader is behind by, and marks each gap with the count", async () => {
  const done = join(tempDir('hive-flood-'), 'done');
  const child = spawn(
    process.execPath,
    [hiveBin, 'run', fixture('output-flood.mjs'), '-i', '1', '--log-format', 'json'],
    { env: { ...process.env, FLOOD_LINES: String(LINES), FLOOD_DONE: done }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    // Not read until the app has written every line: the reader has stalled for all of its ~20 MB.
    child.stdout.pause();
    await poll(() => existsSync(done), 'the app to write all its lines', { timeoutMs: 120_000 });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    child.stdout.resume();
    child.kill('SIGTERM');
    const [code] = await new Promise<[number | null]>((resolve) => child.once('close', (c) => resolve([c])));
    assert.equal(code, 0);
    const records = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { kind: string; type?: string; line?: string; message?: string });
    // Each line received follows the one before it, or a mark saying how many are missing in between.
    let next = 0;
    let received = 0;
    let dropped = 0;
    for (const record of records) {
      const gap =
        record.type === 'warning' ? /^(\d+) line\(s\) of the app's output dropped/.exec(record.message!) : null;
      if (gap) {
        next += Number(gap[1]);
        dropped += Number(gap[1]);
      }
      const flood = record.kind === 'log' ? /^flood (\d+) /.exec(record.line!) : null;
      if (flood) {
        assert.equal(Number(flood[1]), next, 'lines in order, each gap marked with its size');
        next += 1;
        received += 1;
      }
    }
    assert.ok(dropped > 0, 'a stalled reader has lines dropped');
    assert.equal(received + dropped, LINES, 'every line is received or counted as dropped');
    assert.ok(records.some((r) => r.type === 'state' && (r as { state?: string }).state === 'stopped'));
  } finally {
    child.kill('SIGKILL');
  }
});

// Both streams share the JSON lines the daemon reads: a stdout flood kept that at its bound, and the app's stderr lines
// between were dropped with it (of 60 here, those written after the first 16 MiB). They get a reserve of their own.
test("under a stdout flood that fills the reader's backlog, hive run --log-format json keeps every stderr line", async () => {
  const done = join(tempDir('hive-flood-err-'), 'done');
  const errors = 60;
  const child = spawn(
    process.execPath,
    [hiveBin, 'run', fixture('output-flood.mjs'), '-i', '1', '--log-format', 'json'],
    {
      env: {
        ...process.env,
        FLOOD_LINES: String(LINES),
        FLOOD_ERRORS_EVERY: String(LINES / errors),
        FLOOD_DONE: done,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    child.stdout.pause();
    await poll(() => existsSync(done), 'the app to write all its lines', { timeoutMs: 120_000 });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    child.stdout.resume();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    const records = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { kind: string; stream?: string; line?: string; message?: string });
    const logged = records.filter((r) => r.kind === 'log');
    assert.ok(
      records.some((r) => /line\(s\) of the app's output dropped/.test(r.message ?? '')),
      'stdout lines were dropped: the reader was behind',
    );
    const stderr = logged.filter((r) => r.stream === 'stderr').map((r) => r.line);
    assert.deepEqual(
      stderr,
      Array.from({ length: errors }, (_, k) => `error ${k + 1}`),
      'every stderr line, in order',
    );
  } finally {
    child.kill('SIGKILL');
  }
});

test("in text mode, hive run's mark of the stdout lines it dropped goes to stderr, as its other warnings", async () => {
  const done = join(tempDir('hive-flood-text-'), 'done');
  const child = spawn(process.execPath, [hiveBin, 'run', fixture('output-flood.mjs'), '-i', '1'], {
    env: { ...process.env, FLOOD_LINES: String(LINES), FLOOD_DONE: done },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.stdout.pause();
    await poll(() => existsSync(done), 'the app to write all its lines', { timeoutMs: 120_000 });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stdout.resume();
    child.kill('SIGTERM');
    const [code] = await new Promise<[number | null]>((resolve) => child.once('close', (c) => resolve([c])));
    assert.equal(code, 0);
    assert.match(out, /flood \d+ /, 'the app lines that were kept are on stdout');
    assert.doesNotMatch(out, /output dropped/);
    assert.match(err, /warning: \d+ line\(s\) of the app's output dropped: the reader of stdout was more than 16 MiB/);
  } finally {
    child.kill('SIGKILL');
  }
});
