// The count in a rotated copy's name (`<name>-out__<time>-<n>.log`) goes on from the highest copy on disk, never
// reusing one freed by retention's removal of an older copy: name order and count order are the order the copies
// were made in (rotated-log-name.ts), which `hive logs -f` reads missed copies by. Both deterministic: the namer at one
// fixed time (every rotation in the same second, where a reused count sorts first), and an app's real log file
// rotated one line at a time (whatever the seconds, a count never repeats or goes down).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppLogs } from '../../dist/daemon/app-logs.js';
import { rotatedLogCopies, rotatedLogNamer } from '../../dist/daemon/rotated-log-name.js';
import { readOrEmpty, waitFor } from './helpers.js';

test('copies made in one second, the oldest removed as each is made, are counted on and sort by name in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-rotated-count-'));
  const log = join(dir, 'api-out.log');
  const name = rotatedLogNamer(log, false);
  const second = new Date(2026, 11, 1, 2, 30, 0);
  const made: string[] = [];
  for (let n = 1; n <= 6; n++) {
    // rotating-file-stream's search for a free name: index 1 first, up while the name is taken.
    let index = 1;
    let copy = name(second, index);
    while (readdirSync(dir).includes(copy)) copy = name(second, ++index);
    writeFileSync(join(dir, copy), `copy ${n}\n`);
    made.push(copy);
    // Retention of two (HIVE_LOG_RETAIN=2): the oldest removed once a third is made.
    const kept = rotatedLogCopies(log);
    if (kept.length > 2) unlinkSync(kept[0]!.path);
  }
  assert.deepEqual(
    made.map((copy) => /-(\d{3})\.log$/.exec(copy)?.[1]),
    ['001', '002', '003', '004', '005', '006'],
    `never a count freed by a removal: ${made.join(' ')}`,
  );
  const left = readdirSync(dir).sort();
  assert.deepEqual(
    left.map((copy) => readFileSync(join(dir, copy), 'utf8')),
    ['copy 5\n', 'copy 6\n'],
    'name order is the order made',
  );
  assert.deepEqual(
    rotatedLogCopies(log).map((copy) => readFileSync(copy.path, 'utf8')),
    ['copy 5\n', 'copy 6\n'],
  );
});

test("an app's log rotated line by line with two copies kept: each copy's count is higher than every earlier one's", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-rotated-count-'));
  const logs = new AppLogs(dir, 'api', { logRotation: { size: '1K', maxFiles: 2, compress: false } });
  const out = join(dir, 'api-out.log');
  const made: { line: number; count: number; name: string }[] = [];
  try {
    // A line over the size: each write rotates the file, its copy holding that line alone.
    for (let line = 1; line <= 6; line++) {
      logs.write('stdout', `line ${line} ${'x'.repeat(1100)}`, { instance: 0 });
      // Rotated, older copies removed, and the file open again (renamed away, it is made anew after the removal).
      const copy = await waitFor(() => {
        const found = rotatedLogCopies(out).find((copy) => readOrEmpty(copy.path).startsWith(`[api:0] line ${line} `));
        return found !== undefined && readdirSync(dir).includes('api-out.log') ? found : undefined;
      }, `line ${line} rotated`);
      made.push({ line, count: copy.count, name: copy.path.slice(dir.length + 1) });
    }
  } finally {
    logs.close();
  }
  const counts = made.map((copy) => copy.count);
  assert.ok(
    counts.every((count, i) => i === 0 || count > counts[i - 1]!),
    `counts in the order made: ${made.map((copy) => copy.name).join(' ')}`,
  );
  const kept = rotatedLogCopies(out);
  assert.deepEqual(
    kept.map((copy) => /^\[api:0\] line (\d+) /.exec(readFileSync(copy.path, 'utf8'))?.[1]),
    ['5', '6'],
    'the two last kept, listed in the order made',
  );
  // Every file but the logs and rotating-file-stream's list of the copies is one of them, named as Hive names them.
  const others = readdirSync(dir).filter((name) => !['api-out.log', 'api-out.log.txt', 'api-error.log'].includes(name));
  assert.deepEqual(others.sort(), kept.map((copy) => copy.path.slice(dir.length + 1)).sort());
  assert.deepEqual(
    others.sort(),
    made.slice(-2).map((copy) => copy.name),
  );
});
