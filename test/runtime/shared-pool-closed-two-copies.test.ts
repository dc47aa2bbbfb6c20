// The shared pools are process-wide (a Symbol.for registry), so that an app's own node_modules copy of hive and the
// preloaded runtime see the same ones; but which of them the app had closed was kept in a module of each copy. A pool
// closed through one copy was handed back by the other, and refused every run() (ERR_HIVE_POOL_CLOSED) for the rest of
// the process. That, and the options each pool was made with, now live in the registry too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = new URL('../../', import.meta.url).pathname;
const script = new URL('../fixtures/runtime-review/pool-closed-two-copies.mjs', import.meta.url).pathname;

test('a shared pool closed through one copy of hive is replaced through another', (t) => {
  // A second copy of the built package, as an app's node_modules would hold it.
  const home = mkdtempSync(join(tmpdir(), 'hive-copy-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const copy = join(home, 'hive');
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const entry = pathToFileURL(join(copy, 'dist/runtime/index.js')).href;

  const lines = execFileSync(process.execPath, [script, entry], { encoding: 'utf8', timeout: 60_000 })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: string } & Record<string, unknown>);
  const by = new Map(lines.map((line) => [line.step, line]));
  assert.deepEqual(by.get('first'), { step: 'first', value: 2 });
  assert.deepEqual(by.get('the copy reuses it while open'), { step: 'the copy reuses it while open', same: true });
  assert.deepEqual(by.get('the copy after close()'), {
    step: 'the copy after close()',
    same: false,
    value: 4,
    maxThreads: 2,
    idleTimeout: 500,
  });
  assert.deepEqual(by.get('other options'), { step: 'other options', code: 'ERR_HIVE_INVALID_ARGUMENT' });
  assert.deepEqual(by.get('the first copy gets the new one'), { step: 'the first copy gets the new one', same: true });
  assert.deepEqual(by.get('after destroy() of the copy'), {
    step: 'after destroy() of the copy',
    same: false,
    value: 8,
  });
});
