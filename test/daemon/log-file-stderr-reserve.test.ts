// A combined logFile gets an app's stdout and stderr lines under one bound: a stdout flood kept its writer at that
// bound, and the app's stderr lines between were dropped with the flood. They have a reserve of their own. The file
// is a named pipe whose reader does not read: the one log whose writer can be held behind for as long as a test needs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { AppLogs } from '../../dist/daemon/app-logs.js';
import { tempHome } from './helpers.js';

const hive = tempHome();
const LINES = 4_000;
const ERRORS = 40;

test('a combined logFile whose writer is held behind by a stdout flood keeps every stderr line', async () => {
  const fifo = join(hive.dir, 'mix.pipe');
  execFileSync('mkfifo', [fifo]);
  // Opened (so that the daemon's open finds a reader), not read until every line is written.
  const reader = new Socket({ fd: openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK), readable: true });
  reader.pause();
  const logs = new AppLogs(hive.dir, 'mix', { logFile: fifo });
  const padding = 'x'.repeat(1000);
  for (let i = 0; i < LINES; i++) {
    logs.write('stdout', `flood ${i} ${padding}`, { instance: 0, pid: 1 });
    if ((i + 1) % (LINES / ERRORS) === 0) logs.write('stderr', `error ${(i + 1) / (LINES / ERRORS)}`, { instance: 0 });
    if (i % 100 === 0) await turn();
  }
  await turn();
  let text = '';
  reader.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const ended = new Promise((resolve) => reader.once('end', resolve));
  reader.resume();
  logs.close();
  await ended;
  assert.match(text, /hive: \d+ line\(s\) of the app's output dropped here/, 'stdout lines were dropped');
  const errors = [...text.matchAll(/^\[mix:0\] (error \d+)$/gm)].map((match) => match[1]);
  assert.deepEqual(
    errors,
    Array.from({ length: ERRORS }, (_, k) => `error ${k + 1}`),
    'every stderr line, in order',
  );
});
