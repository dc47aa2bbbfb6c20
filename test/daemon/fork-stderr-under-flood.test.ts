// A fork-mode app's stdout and stderr lines share its primary's one output to the daemon: a stdout flood held that at
// its 16 MiB bound, and the app's stderr lines between were dropped with the flood. They have a reserve of their own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { forkRestartPolicy } from '../../dist/daemon/fork-restart-policy.js';
import { tempHome, waitFor } from './helpers.js';

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;
const flood = new URL('../fixtures/cluster/output-flood.mjs', import.meta.url).pathname;
const hive = tempHome();
const LINES = 30_000;
const ERRORS = 60;

test('a fork primary whose reader is behind keeps every stderr line of an app flooding its stdout', async () => {
  const done = join(hive.dir, 'flood-done');
  const options = {
    name: 'flood',
    command: process.execPath,
    args: [flood],
    instances: '1',
    autorestart: true,
    killTimeout: 5_000,
    restart: forkRestartPolicy([]),
  };
  const primary = spawn(process.execPath, [forkPrimary, JSON.stringify(options)], {
    env: { ...process.env, FLOOD_LINES: String(LINES), FLOOD_ERRORS_EVERY: String(LINES / ERRORS), FLOOD_DONE: done },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  after(() => primary.kill('SIGKILL'));
  // Not read until the app has written it all: the reader (the daemon) has stalled for all of its ~20 MB.
  primary.stdout.pause();
  await waitFor(() => existsSync(done), 'the app to write all its lines', 120_000);
  let text = '';
  primary.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  primary.stdout.resume();
  primary.kill('SIGTERM');
  await new Promise((resolve) => primary.once('close', resolve));
  const records = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; stream?: string; line?: string; message?: string });
  assert.ok(
    records.some((r) => /line\(s\) of the app's output dropped/.test(r.message ?? '')),
    'stdout lines were dropped: the reader was behind',
  );
  const stderr = records.filter((r) => r.kind === 'log' && r.stream === 'stderr').map((r) => r.line);
  assert.deepEqual(
    stderr,
    Array.from({ length: ERRORS }, (_, k) => `error ${k + 1}`),
    'every stderr line, in order',
  );
});
