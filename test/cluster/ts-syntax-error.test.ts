// A TypeScript app with a syntax error: tsx's error reads `Transform failed with 1 error:` on its first line and names
// the file, line and column only on the next (`Error:` for a CommonJS file, `Error [TransformError]:` for ESM). The
// one-line summary of the crash (the first line of `hive run`'s error, a crash-looped app's `lastError` in `hive ls`)
// takes that next line too, as it names what to fix.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-ts-syntax-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a .ts app's syntax error: hive run's error line names the file, line and column", async () => {
  const script = join(dir, 'broken.ts');
  writeFileSync(script, 'const port: number = ;\n');
  const { code, stderr } = await runHive(['run', script, '-i', '1']);
  assert.equal(code, 1, stderr);
  const first = stderr.split('\n').find((line) => line.startsWith('hive run: '));
  assert.ok(first, stderr);
  assert.match(
    first,
    /ERR_HIVE_WORKER_NOT_READY: .*before it was ready: Error( \[TransformError\])?: Transform failed with 1 error: \S*broken\.ts:1:\d+: ERROR: Unexpected ";"; its last stderr lines:$/,
  );
});
