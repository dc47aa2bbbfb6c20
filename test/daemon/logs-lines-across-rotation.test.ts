// `hive logs --lines N` right after a rotation: the last N lines the app wrote, the rotated copies' last ones before
// the new file's few (it printed those few alone, or nothing, as `pm2 logs` does).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { tempHome, waitFor } from './helpers.js';

// A fork-mode app that writes `count` numbered lines of about 100 bytes, a few ms apart (lines written at once are
// written to the log at once, and a file rotates only after a write), then waits.
function writesLines(dir: string, count: number): string {
  const script = join(dir, 'lines.sh');
  writeFileSync(
    script,
    `#!/bin/sh\ni=0\nwhile [ $i -lt ${count} ]; do i=$((i+1)); echo "line $i ${'x'.repeat(80)}"; sleep 0.005; done\nexec sleep 1000\n`,
    { mode: 0o755 },
  );
  return script;
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} ${'x'.repeat(80)}`);

for (const compress of [false, true]) {
  test(`--lines takes the lines it lacks from the ${compress ? 'gzipped ' : ''}rotated copies, newest first, in order`, async () => {
    const hive = tempHome();
    // 4 KiB files: about 40 lines each, so the 150 lines make three copies or more and a new file of fewer than 40.
    const env = { HIVE_LOG_MAX_SIZE: '4K', HIVE_LOG_COMPRESS: String(compress), HIVE_LOG_RETAIN: '10' };
    await hive.json(['start', writesLines(hive.dir, 150), '--name', 'lines'], { env });
    const logs = join(hive.home, 'logs');
    const copies = () => readdirSync(logs).filter((name) => name.startsWith('lines-out__'));
    // A file gone between the listing and its read (renamed by a rotation, a plain copy replaced by its .gz) reads as
    // empty: the wait goes on to the next look.
    const read = (name: string) => {
      try {
        const bytes = readFileSync(join(logs, name));
        return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      } catch {
        return '';
      }
    };
    const written = () => [...copies(), 'lines-out.log'].map(read).join('');
    // A gzipped copy is written after its rotation: the test reads once each is whole (its .gz there, the plain gone).
    await waitFor(
      () => copies().every((name) => name.endsWith('.gz') === compress) && written().includes('line 150 '),
      'the last line',
    );
    assert.ok(copies().length >= 3, copies().join(' '));

    const own = hive.readLog('lines-out.log').split('\n').filter(Boolean).length;
    assert.ok(own < 40, `the new file has ${own} lines`);
    for (const count of [own + 1, 100, 150]) {
      const result = await hive.run(['logs', 'lines', '--lines', String(count), '--raw', '--out', '--nostream']);
      assert.equal(result.code, 0, result.stderr);
      const printed = result.stdout.split('\n').filter((line) => line.startsWith('line '));
      assert.deepEqual(printed, numbered(151 - count, 150), `--lines ${count}`);
    }
    // More than every copy and the file hold: all of them, from the first line kept.
    const all = await hive.run(['logs', 'lines', '--lines', '1000', '--raw', '--out', '--nostream']);
    const printed = all.stdout.split('\n').filter((line) => line.startsWith('line '));
    assert.deepEqual(printed, numbered(1, 150));
  });
}
