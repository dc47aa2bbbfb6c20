// A fork-mode app's stdout and stderr lines share its primary's one output to the daemon: a stdout flood held that at
// its 16 MiB bound, and the app's stderr lines between were dropped with the flood. They have a reserve of their own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { forkRestartPolicy } from '../../dist/daemon/fork-restart-policy.js';
import { assertEveryStderrLine, floodRecords, outputFlood, readAfterStall } from '../cluster/output-flood.js';
import { tempHome } from './helpers.js';

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;
const hive = tempHome();
const LINES = 30_000;
const ERRORS = 60;

test('a fork primary whose reader is behind keeps every stderr line of an app flooding its stdout', async () => {
  const done = join(hive.dir, 'flood-done');
  const options = {
    name: 'flood',
    command: process.execPath,
    args: [outputFlood],
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
  const { text } = await readAfterStall(primary, done);
  assertEveryStderrLine(floodRecords(text), ERRORS);
});
