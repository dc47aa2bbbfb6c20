import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBurstToPipe } from './burst-to-pipe.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('an outFile pipe whose reader is slow gets every line once it reads, none dropped', async (t) => {
  // About 300 KB at once, more than the pipe (64 KB) and its reader's buffer hold, then a line every 0.1 s. Its
  // reader reads nothing yet: the pipe fills while the app writes its burst.
  const { reader, marker } = await startBurstToPipe(t, hive, 's', 5000);
  await waitFor(() => existsSync(marker), 'the burst written');
  // The daemon meanwhile meets the full pipe (before, EAGAIN: the stream failed and its lines were dropped).
  await sleep(1_000);
  let piped = '';
  reader.on('data', (chunk) => {
    piped += chunk;
  });
  await waitFor(() => /tail \d+\n/.test(piped), 'a line written after the burst');
  const burst = [...piped.matchAll(/\[s:0\] burst (\d+) /g)].map((match) => Number(match[1]));
  assert.equal(burst.length, 5000);
  assert.deepEqual(burst.slice(0, 3), [0, 1, 2]);
  assert.equal(burst.at(-1), 4999);
  assert.doesNotMatch(readOrEmpty(join(hive.home, 'daemon.log')), /EAGAIN|reader is behind/);
});

test('an outFile pipe whose reader is far behind drops the lines beyond 1 MiB, and says so', async (t) => {
  // About 2.4 MB at once: more than the daemon holds for a reader that is behind.
  const { fifo, reader } = await startBurstToPipe(t, hive, 'b', 40000);
  const daemonLog = join(hive.home, 'daemon.log');
  const read = await readOnceDropping(fifo, reader);
  await waitFor(
    () => new RegExp(`log ${fifo}: writing again \\(\\d+ line\\(s\\) dropped`).test(readOrEmpty(daemonLog)),
    'writing again',
  );
  await waitFor(() => /tail \d+\n/.test(read()), 'a line written after the burst');
  const piped = read();
  const burst = [...piped.matchAll(/\[b:0\] burst (\d+) /g)].map((match) => Number(match[1]));
  assert.ok(burst.length > 0 && burst.length < 40000, `${burst.length} burst lines`);
  // The gap is said in the pipe too, where it is, by one line that counts it: every line is there or counted.
  let last = -1;
  let marked = 0;
  for (const line of piped.split('\n').slice(0, -1)) {
    const gap = /^\[b\] hive: (\d+) line\(s\) of the app's output dropped here: /.exec(line);
    if (gap) {
      last += Number(gap[1]);
      marked += 1;
      continue;
    }
    const n = Number(/^\[b:0\] (?:burst|tail) (\d+)/.exec(line)?.[1]);
    assert.equal(n, last + 1, `line ${n} after ${last}, with the gaps counted`);
    last = n;
  }
  assert.ok(marked > 0, 'the gap marked');
});

// The gap was marked before the next line only: an app quiet after its burst had it unsaid, in the pipe and in
// daemon.log (never `writing again`), for as long as it ran. The writer catching up marks it.
test('a gap at the end of a burst to a slow pipe is marked once its reader catches up, with no later line', async (t) => {
  const lines = 40000;
  const { fifo, reader, marker } = await startBurstToPipe(t, hive, 'q', lines, { quiet: true });
  const daemonLog = join(hive.home, 'daemon.log');
  await waitFor(() => existsSync(marker), 'the burst written');
  const read = await readOnceDropping(fifo, reader);
  // Every line there or counted, by the mark alone: the app writes nothing more.
  const counted = () => {
    let count = 0;
    for (const line of read().split('\n').slice(0, -1)) {
      const gap = /^\[q\] hive: (\d+) line\(s\) of the app's output dropped here: /.exec(line);
      count += gap ? Number(gap[1]) : /^\[q:0\] burst \d+ /.test(line) ? 1 : 0;
    }
    return count;
  };
  await waitFor(() => counted() === lines, 'every line of the burst piped or counted');
  await waitFor(
    () => new RegExp(`log ${fifo}: writing again \\(\\d+ line\\(s\\) dropped`).test(readOrEmpty(daemonLog)),
    'writing again',
  );
});

// Reads the pipe on once the daemon has said it drops lines for its reader: returns what has been read so far.
async function readOnceDropping(fifo: string, reader: NodeJS.ReadableStream): Promise<() => string> {
  await waitFor(
    () => readOrEmpty(join(hive.home, 'daemon.log')).includes(`log ${fifo}: its reader is behind; dropping lines`),
    'the drop said',
  );
  let piped = '';
  reader.on('data', (chunk) => {
    piped += chunk;
  });
  return () => piped;
}
