// The lines an app writes while `hive flush` empties its log are held and written once the file is empty: none lost
// (the second test), none twice, in order. Sequence numbers tell.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppLogs } from '../../dist/daemon/app-logs.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

// The sequence numbers of a log's lines, each of which must be whole: `[name:0] seq N`.
function sequence(text: string, prefix: string): number[] {
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      const match = new RegExp(`^${prefix.replace(/[[\]]/g, '\\$&')} seq (\\d+)$`).exec(line);
      assert.ok(match, `a whole line: ${JSON.stringify(line)}`);
      return Number(match[1]);
    });
}

function assertConsecutive(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.equal(seqs[i], seqs[i - 1]! + 1, `seq ${seqs[i - 1]} is followed by seq ${seqs[i]}`);
  }
}

// What this cannot tell: a line lost at the emptying itself (the file then starts further on, which looks the same).
// The next test, which writes its lines before and after empty() itself, is the one for that.
test('an app writing all the time: its emptied log goes on with whole lines, in order, none twice', async () => {
  // Several lines a millisecond, so that some come while the daemon ends the stream and empties the file.
  const app = join(dir, 'seq.js');
  writeFileSync(
    app,
    "let n = 0;\nsetInterval(() => { let s = ''; for (let i = 0; i < 5; i++) s += 'seq ' + n++ + '\\n'; process.stdout.write(s); }, 1);\n",
  );
  // Fork mode (an interpreter by path): a plain process, no server to wait for.
  await hive.json(['start', app, '--name', 'seq', '--interpreter', process.execPath]);
  const out = join(hive.home, 'logs', 'seq-out.log');
  await waitFor(() => /seq 500\n/.test(readOrEmpty(out)), 'lines before the flush');
  const before = sequence(readOrEmpty(out), '[seq:0]');
  assertConsecutive(before);
  const seen = before.at(-1)!;
  await hive.json(['flush', 'seq']);
  // The file goes on filling: wait for well past the lines that could have been held.
  const target = seen + 3000;
  // Any line at or past it, not that one line: a line dropped on the way (the primary's bounded backlog under a
  // starved daemon) then fails the check below, naming the gap, rather than this wait with a bare timeout.
  const lastSeq = (): number => Number(/seq (\d+)\n$/.exec(readOrEmpty(out))?.[1] ?? -1);
  await waitFor(() => lastSeq() >= target, `seq ${target} after the flush`).catch((error: Error) => {
    throw new Error(`${error.message}; the file ends at seq ${lastSeq()}`);
  });
  await hive.json(['stop', 'seq']);
  const after = sequence(readOrEmpty(out), '[seq:0]');
  assert.ok(after[0]! > seen, `the emptied file starts after what was there (seq ${after[0]} > ${seen})`);
  assertConsecutive(after);
});

// Which lines come during the emptying is up to timing above; here it is not: lines written before empty() are in
// the file it empties, those written while it runs are the first of the emptied file, then the later ones.
test('AppLogs: lines written while the file is emptied are written once it is, before later ones', async () => {
  const logs = new AppLogs(dir, 'held', {});
  const file = join(dir, 'held-out.log');
  for (let n = 0; n < 1000; n++) logs.write('stdout', `seq ${n}`, { instance: 0 });
  // The stream makes the file as it opens: a file not there yet has nothing to empty.
  await waitFor(() => readOrEmpty(file).endsWith('seq 999\n'), 'the first lines');
  const emptied = logs.empty();
  for (let n = 1000; n < 1100; n++) logs.write('stdout', `seq ${n}`, { instance: 0 });
  // And some from later turns of the loop, while the stream ends and the file is truncated.
  let n = 1100;
  const writer = setInterval(() => logs.write('stdout', `seq ${n++}`, { instance: 0 }), 0);
  try {
    assert.ok((await emptied).includes(file));
  } finally {
    clearInterval(writer);
  }
  const last = n;
  for (; n < last + 100; n++) logs.write('stdout', `seq ${n}`, { instance: 0 });
  await waitFor(() => readOrEmpty(file).endsWith(`seq ${n - 1}\n`), 'the last line');
  logs.close();
  const seqs = sequence(readFileSync(file, 'utf8'), '[held:0]');
  assert.equal(seqs[0], 1000, 'the emptied file starts with the first line written after empty()');
  assert.equal(seqs.at(-1), n - 1);
  assertConsecutive(seqs);
});
