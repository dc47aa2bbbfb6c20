import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('an outFile pipe whose reader was behind and went: its count said at the failure, a new reader starts over', async (t) => {
  const marker = join(dir, 'burst-done');
  const script = join(dir, 'burst.sh');
  // About 2.4 MB at once, more than the daemon holds for a reader that is behind, then a line every 0.1 s.
  writeFileSync(
    script,
    `#!/bin/sh\nn=0\nwhile [ $n -lt 40000 ]; do echo "burst $n ................................................"; n=$((n+1)); done\ntouch ${JSON.stringify(marker)}\nwhile true; do echo "tail $n"; n=$((n+1)); sleep 0.1; done\n`,
    { mode: 0o755 },
  );
  const fifo = join(dir, 'out.pipe');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(
    join(dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [{ name: 'p', script: ${JSON.stringify(script)}, out_file: ${JSON.stringify(fifo)} }] };\n`,
  );
  // Opened, never read: the daemon drops lines for it, then it goes.
  const first = createReadStream(fifo, { encoding: 'utf8' });
  first.on('error', () => {});
  t.after(() => first.destroy());
  await hive.json(['start', join(dir, 'ecosystem.config.cjs')]);
  const daemonLog = join(hive.home, 'daemon.log');
  await waitFor(
    () => readOrEmpty(daemonLog).includes(`log ${fifo}: its reader is behind; dropping lines`),
    'the drop said',
  );
  await waitFor(() => existsSync(marker), 'the burst written');
  first.destroy();
  await waitFor(() => readOrEmpty(daemonLog).includes(`log ${fifo}: write EPIPE`), 'the pipe failed');
  // A new reader that keeps up: the daemon opens the pipe again and writes on.
  const second = createReadStream(fifo, { encoding: 'utf8' });
  second.on('error', () => {});
  t.after(() => second.destroy());
  let piped = '';
  second.on('data', (chunk) => {
    piped += chunk;
  });
  await waitFor(() => /writing again \(\d+ line\(s\) dropped after: /.test(readOrEmpty(daemonLog)), 'writing again');
  // Two lines on: the write that reopened the pipe and the next have come.
  await waitFor(() => (piped.match(/\[p:0\] tail \d+\n/g)?.length ?? 0) >= 2, 'lines through the new reader');
  const said = readOrEmpty(daemonLog);
  // Before, the old reader's count stayed, said as this reader catching up ("dropped after: its reader is behind").
  assert.doesNotMatch(said, /dropped after: its reader is behind/);
  assert.match(said, new RegExp(`log ${fifo}: \\d+ line\\(s\\) dropped: its reader was behind\n`));
  assert.equal(said.match(/writing again/g)?.length, 1, said);
});
