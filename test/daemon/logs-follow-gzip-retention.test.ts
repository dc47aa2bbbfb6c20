// `hive logs -f` behind by several gzipped rotations, retention having removed the copy of the file it had open: the
// copies still kept are read, none taken for the open file's own (a gzipped copy is a new file, not that one renamed).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { rotatedLogCopies } from '../../dist/daemon/rotated-log-name.js';
import { followLogs } from './follow-logs.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('logs -f behind by more gzipped rotations than are kept reads every kept copy, then the new file', async (t) => {
  // 30000 numbered lines of about 100 bytes once the file `go` is there: 3 MB, six rotations at 500K or so; then a
  // `tail` line now and then.
  const go = join(hive.dir, 'go');
  const writer = join(hive.dir, 'writer.js');
  writeFileSync(
    writer,
    `const { existsSync } = require('node:fs');
const burst = () => {
  for (let i = 1; i <= 30000; i++) console.log('n ' + i + ' ' + 'x'.repeat(88));
  console.log('burst done');
  setInterval(() => console.log('tail'), 50);
};
const wait = setInterval(() => {
  if (existsSync(${JSON.stringify(go)})) { clearInterval(wait); burst(); }
}, 20);
setInterval(() => {}, 1 << 30);
`,
  );
  const config = hive.writeConfig([
    {
      name: 'gw',
      script: writer,
      exec_mode: 'fork',
      logRotation: { maxSize: '500K', retain: 2, compress: true },
    },
  ]);
  await hive.json(['start', config]);
  const out = join(hive.home, 'logs', 'gw-out.log');
  const follower = await followLogs(t, hive, 'gw');

  // Stopped before the burst: all the rotations happen while it holds the first file open.
  await follower.pause();
  writeFileSync(go, '');
  // The last rotation is over (its copy gzipped, retention done) once the new file holds a line written after the
  // burst: rotating-file-stream opens it only then. Not `burst done` itself: the write that holds it may be the one
  // that fills the file, which is then rotated with it (the daemon writes a batch of lines at a time).
  await waitFor(() => / tail$/m.test(readOrEmpty(out)), 'the burst to end in a new file');
  const kept = rotatedLogCopies(out);
  assert.equal(kept.length, 2, `kept: ${kept.map((copy) => copy.path).join(' ')}`);
  const numbers = (text: string) => [...text.matchAll(/ n (\d+) x/g)].map((m) => Number(m[1]));
  const keptNumbers = kept.flatMap((copy) => numbers(gunzipSync(readFileSync(copy.path)).toString('utf8')));
  // The first kept copy is not the open file's: that one (and the next ones) are gone.
  assert.ok(keptNumbers[0]! > 1, `the first kept copy starts at line ${keptNumbers[0]}`);
  follower.resume();

  await waitFor(() => follower.lines().some((l) => l.line.endsWith('burst done')), 'the follower to print the end');
  const printed = numbers(
    follower
      .lines()
      .map((l) => ` ${l.line}`)
      .join('\n'),
  );
  // In order, each once: the open file's lines from 1 on, one gap (the copy retention removed), then the rest.
  assert.equal(printed[0], 1);
  assert.deepEqual(
    printed.filter((n, i) => i > 0 && n !== printed[i - 1]! + 1),
    [keptNumbers[0]],
    'one gap, up to the first kept copy',
  );
  assert.equal(printed.at(-1), 30000);
  for (const n of keptNumbers) assert.ok(printed.includes(n), `line ${n} of a kept copy printed`);
  // The gap is said: the copies after the open file's own (001) up to the first kept one were removed unread.
  const gone = kept[0]!.count - 2;
  assert.ok(gone > 1, `copies removed unread: ${gone}`);
  assert.equal(
    follower.stderr(),
    `hive logs: ${gone} rotated copies of ${out} were removed before they could be read (raise HIVE_LOG_RETAIN)\n`,
  );
});
