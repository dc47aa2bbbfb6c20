import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('a log file that could not be written (full disk, folder gone) is written again once it can be, not never', async () => {
  const script = join(dir, 'tick.sh');
  writeFileSync(script, '#!/bin/sh\nn=0\nwhile true; do echo "tick $n"; n=$((n+1)); sleep 0.1; done\n', {
    mode: 0o755,
  });
  // A file where the log's folder should be: every open and write of the log fails, as on a full disk.
  const blocker = join(dir, 'logs');
  writeFileSync(blocker, '');
  const outFile = join(blocker, 'out.log');
  writeFileSync(
    join(dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [{ name: 'w', script: ${JSON.stringify(script)}, out_file: ${JSON.stringify(outFile)} }] };\n`,
  );
  await hive.json(['start', join(dir, 'ecosystem.config.cjs')]);
  await waitFor(
    () => /log .*out\.log: /.test(readOrEmpty(join(hive.home, 'daemon.log'))),
    'the daemon to report that it cannot write the log',
  );
  rmSync(blocker);
  await waitFor(
    () => /\[w:0\] tick \d+\n/.test(readOrEmpty(outFile)),
    'the app lines in the log once it can be written',
  );
  // The daemon says so in its own log, a write of its own that may land after the app's lines.
  await waitFor(
    () => /out\.log: writing again \(\d+ line\(s\) dropped after: /.test(readOrEmpty(join(hive.home, 'daemon.log'))),
    'the daemon to report that it writes the log again',
  );
  // The gap is said in the file too, where the lines are missing (`hive logs w` shows it; daemon.log's report is not
  // the app's): one line that counts them, which the first line after it follows on from.
  const [mark, next] = readOrEmpty(outFile).split('\n');
  const gap = /^\[w\] hive: (\d+) line\(s\) of the app's output dropped here: this log could not be written \(/.exec(
    mark ?? '',
  );
  assert.ok(gap, `the file starts with the mark of the gap: ${mark}`);
  assert.equal(next, `[w:0] tick ${gap[1]}`);
  const report = /out\.log: writing again \((\d+) line\(s\) dropped/.exec(readOrEmpty(join(hive.home, 'daemon.log')));
  assert.equal(report?.[1], gap[1], 'the count daemon.log says');
});
