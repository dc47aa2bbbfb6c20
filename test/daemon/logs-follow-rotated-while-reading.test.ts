// `hive logs -f` that fell behind by more than one rotation reads the copies made since, then the new file. A copy
// made while it read those (a large one, a slow disk) was listed as one from before by the reopen that followed, and
// its lines were skipped. Here the copy it reads is a named pipe, which holds the read until the test writes it: the
// log is rotated once more meanwhile.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, hiveBin, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('hive logs -f reads a copy made while it read the copies before it', async () => {
  const log = join(hive.dir, 'app.log');
  const copy = (n: number) => join(hive.dir, `app__2026-12-01_00-00-00-00${n}.log`);
  const temporary = (name: string) => join(hive.dir, `${name}.tmp`);
  // ticker.sh writes one line as it starts, and nothing more: the log's files here are the test's.
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'rot', '-o', log, '--', 'hello']);
  await waitFor(() => readOrEmpty(log).includes('started hello'), 'the first line');
  const follower = spawn(process.execPath, [hiveBin, 'logs', 'rot', '-f', '--out', '--lines', '0'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  after(() => follower.kill('SIGKILL'));
  let out = '';
  follower.stdout.setEncoding('utf8');
  follower.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  // A line at a time until it prints one: those written before it read the file's end are not printed.
  await waitFor(() => {
    appendFileSync(log, 'A\n');
    return out.includes('A\n');
  }, 'the follower to print a new line');
  // Rotated twice before its next look: A, then B (the named pipe), and C at the path.
  execFileSync('mkfifo', [temporary('b')]);
  writeFileSync(temporary('c'), 'C 0\n');
  renameSync(log, copy(1));
  renameSync(temporary('b'), copy(2));
  renameSync(temporary('c'), log);
  // Open for writing once the follower opens it to read B's copy, after it listed the copies.
  const b = await open(copy(2), 'w');
  // While it reads it: C rotated too, D at the path.
  writeFileSync(temporary('d'), 'D 0\n');
  renameSync(log, copy(3));
  renameSync(temporary('d'), log);
  await b.write('B 0\n');
  await b.close();
  await waitFor(() => out.includes('D 0\n'), 'the line of the file now at the path');
  assert.match(out, /^A\n(A\n)*B 0\nC 0\nD 0\n$/);
});
