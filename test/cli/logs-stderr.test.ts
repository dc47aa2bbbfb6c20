// As `pm2 logs`, `hive logs` prints the error files' lines on stderr and the out files' on stdout, following or not
// (docs/cli.md: `hive logs app 2>&1 | grep` is the idiom); `--json` prints both on stdout, `stream` saying which.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hiveBin, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

test('hive logs: error lines on stderr, out lines on stdout, with and without -f; --json all on stdout', async (t) => {
  const script = join(hive.dir, 'both.sh');
  writeFileSync(script, '#!/bin/sh\necho "to out"\necho "to err" >&2\nexec sleep 1000\n', { mode: 0o755 });
  await hive.json(['start', script, '--name', 'both']);
  await waitFor(() => hive.readLog('both-error.log').includes('to err'), 'the err line');
  const printed = await hive.run(['logs', 'both', '--nostream']);
  assert.match(printed.stdout, /\[both:0\] to out/);
  assert.doesNotMatch(printed.stdout, /to err/);
  assert.match(printed.stderr, /\[both:0\] to err/);
  assert.doesNotMatch(printed.stderr, /to out/);

  // The daemon's lines about the app (stream `hive`) left out: logs-daemon-lines.test.ts has them.
  const json = await hive.run(['logs', 'both', '--nostream', '--json', '--app-only']);
  assert.equal(json.stderr, '');
  const lines = json.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { stream: string; line: string });
  assert.deepEqual(
    lines.map((l) => [l.stream, l.line]),
    [
      ['out', '[both:0] to out'],
      ['err', '[both:0] to err'],
    ],
  );

  const child = spawn(process.execPath, [hiveBin, 'logs', 'both', '-f'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  await waitFor(() => out.includes('to out') && err.includes('to err'), 'both lines, each on its stream');
  assert.doesNotMatch(out, /to err/);
  assert.doesNotMatch(err, /to out/);
  await hive.json(['delete', 'both']);
});
