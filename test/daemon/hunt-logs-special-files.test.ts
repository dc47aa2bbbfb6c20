import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('an outFile that is a pipe gets the lines, and an errorFile /dev/null takes them without an error', async (t) => {
  const script = join(dir, 'tick.sh');
  writeFileSync(
    script,
    '#!/bin/sh\nn=0\nwhile true; do echo "tick $n"; echo "oops $n" >&2; n=$((n+1)); sleep 0.1; done\n',
    {
      mode: 0o755,
    },
  );
  const fifo = join(dir, 'out.pipe');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(
    join(dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [{ name: 'p', script: ${JSON.stringify(script)}, out_file: ${JSON.stringify(fifo)}, error_file: '/dev/null' }] };\n`,
  );
  let piped = '';
  const reader = createReadStream(fifo, { encoding: 'utf8' });
  reader.on('data', (chunk) => {
    piped += chunk;
  });
  reader.on('error', () => {});
  t.after(() => reader.destroy());
  await hive.json(['start', join(dir, 'ecosystem.config.cjs')]);
  await waitFor(() => /\[p:0\] tick \d+\n/.test(piped), 'the app lines through the pipe');
  const daemonLog = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  assert.doesNotMatch(daemonLog, /log \/dev\/null/);
});

test('hive logs of an app whose log files are a pipe and /dev/null prints nothing and returns', async () => {
  const printed = await hive.run(['logs', 'p', '--lines', '5', '--json', '--app-only']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(printed.stdout, '');
});
