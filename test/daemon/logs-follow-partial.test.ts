import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
import { appFixture, hiveBin, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('hive logs -f started while the log ends inside a line (and a character) prints that line whole once it ends', async (t) => {
  const port = await freePort();
  await hive.json(['start', appFixture, '--name', 'u', '-i', '1', '--port', String(port)]);
  const out = join(hive.home, 'logs', 'u-out.log');
  await waitFor(() => /listening/.test(hive.readLog('u-out.log')), 'the app to log that it listens');
  // "café!" cut after the first byte of the two-byte "é".
  appendFileSync(out, Buffer.from([0x63, 0x61, 0x66, 0xc3]));
  const child = spawn(process.execPath, [hiveBin, 'logs', 'u', '-f', '--lines', '5', '--json'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let printed = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  const lines = () =>
    printed
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { line: string }).line);
  // Its first read is done once it printed the app's earlier lines.
  await waitFor(() => lines().some((line) => /listening/.test(line)), 'the follower to print the earlier lines');
  appendFileSync(out, Buffer.from([0xa9, 0x21, 0x0a]));
  await waitFor(() => lines().includes('café!'), `the completed line; printed: ${JSON.stringify(printed)}`, 10_000);
  assert.ok(!lines().some((line) => line.includes('\uFFFD')), `a broken character was printed: ${printed}`);
});
