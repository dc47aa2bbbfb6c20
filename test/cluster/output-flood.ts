import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { poll } from '../poll.js';
import { fixture } from './helpers.js';

/** fixtures/cluster/output-flood.mjs: floods stdout (and stderr with FLOOD_ERRORS_EVERY), then creates FLOOD_DONE. */
export const outputFlood = fixture('output-flood.mjs');

/** A JSON line of a primary's output: a log line of the app, an event or a warning. */
export interface FloodRecord {
  kind: string;
  type?: string;
  state?: string;
  stream?: string;
  line?: string;
  message?: string;
}

/**
 * Leaves `child`'s stdout unread until the flooding app below it has written all its lines (`done` exists), so that
 * its reader has stalled for all of them; then reads it, SIGTERMs `child` and returns its exit code and whole stdout.
 */
export async function readAfterStall(
  child: ChildProcess & { stdout: Readable },
  done: string,
): Promise<{ code: number | null; text: string }> {
  const read = await readFromStall(child, done);
  child.kill('SIGTERM');
  const [code] = await new Promise<[number | null]>((resolve) => child.once('close', (c) => resolve([c])));
  return { code, text: read() };
}

/**
 * Leaves `child`'s stdout unread until the flooding app has written all its lines (`done` exists), then reads it on:
 * returns what has been read so far, each time it is called.
 */
export async function readFromStall(child: ChildProcess & { stdout: Readable }, done: string): Promise<() => string> {
  child.stdout.pause();
  await poll(() => existsSync(done), 'the app to write all its lines', { timeoutMs: 120_000 });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  child.stdout.resume();
  return () => text;
}

/** The records of a primary's `--log-format json` output. */
export function floodRecords(text: string): FloodRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FloodRecord);
}

/** Asserts that stdout lines were dropped, yet every one of the app's `errors` stderr lines is there, in order. */
export function assertEveryStderrLine(records: readonly FloodRecord[], errors: number): void {
  assert.ok(
    records.some((r) => /line\(s\) of the app's output dropped/.test(r.message ?? '')),
    'stdout lines were dropped: the reader was behind',
  );
  const stderr = records.filter((r) => r.kind === 'log' && r.stream === 'stderr').map((r) => r.line);
  assert.deepEqual(
    stderr,
    Array.from({ length: errors }, (_, k) => `error ${k + 1}`),
    'every stderr line, in order',
  );
}
