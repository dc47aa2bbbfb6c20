import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBurstToPipe } from './burst-to-pipe.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('an outFile pipe whose reader was behind and went: its count said at the failure, a new reader starts over', async (t) => {
  // About 2.4 MB at once, more than the daemon holds for a reader that is behind, then a line every 0.1 s. The pipe's
  // first reader never reads: the daemon drops lines for it, then it goes.
  const { fifo, reader: first, marker } = await startBurstToPipe(t, hive, 'p', 40000);
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
