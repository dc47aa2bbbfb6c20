// A full disk failed the backup's write, and `hive save` printed `warning: could not keep the previous dump as ...;
// the new dump is saved`, then failed to write the new dump (ERR_HIVE_DUMP_WRITE): the warning claimed a save that
// had not happened. It now comes once the new dump is written, and not when that fails too (nothing was replaced).
// The daemon's file size limit (RLIMIT_FSIZE, set with prlimit) fails a write past it as a full disk fails one (EFBIG;
// Node ignores SIGXFSZ): a dump larger than the limit cannot be written, daemon.log's few lines still can.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, prlimitSkip, tempHome } from './helpers.js';

const hive = tempHome();
const dump = join(hive.home, 'dump.json');
const LIMIT = 100_000;

const prlimit = prlimitSkip;

// Runs `hive save` while the daemon cannot write a file past LIMIT bytes.
async function saveLimited(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const daemon = (await hive.daemonPid())!;
  execFileSync('prlimit', ['--pid', String(daemon), `--fsize=${LIMIT}:`]);
  try {
    return await hive.run(['save']);
  } finally {
    execFileSync('prlimit', ['--pid', String(daemon), '--fsize=unlimited:']);
  }
}

test('a save on a full disk that writes neither the backup nor the dump does not say the dump is saved', {
  skip: prlimit,
}, async () => {
  // Its env makes the dump larger than the limit: 3 × 50 KB (one value past 128 KB could not be passed to a process).
  const env = Object.fromEntries(['A', 'B', 'C'].map((name) => [`BIG_${name}`, name.repeat(50_000)]));
  const config = hive.writeConfig([{ name: 'big', script: daemonFixture('ticker.sh'), env }]);
  await hive.json(['start', config]);
  await hive.json(['save']);
  assert.ok(statSync(dump).size > LIMIT, `the dump holds the env: ${statSync(dump).size} bytes`);
  const before = statSync(dump).mtimeMs;
  const saved = await saveLimited();
  assert.equal(saved.code, 1, saved.stderr);
  assert.match(saved.stderr, /ERR_HIVE_DUMP_WRITE: cannot write the dump .*EFBIG/);
  assert.doesNotMatch(saved.stderr, /the new dump is saved/);
  assert.equal(statSync(dump).mtimeMs, before, 'the dump there before is unchanged');
});

test('a save on a full disk that writes the dump but not its backup warns of the backup once the dump is saved', {
  skip: prlimit,
}, async () => {
  // The dump before holds `big` (past the limit: its backup fails); the new one only a small app.
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'small']);
  await hive.json(['delete', 'big']);
  const saved = await saveLimited();
  assert.equal(saved.code, 0, saved.stderr);
  assert.equal(saved.stdout, `saved 1 app(s) to ${dump}\n`);
  assert.match(
    saved.stderr,
    /^hive save: warning: could not keep the previous dump as .*dump\.json\.bak: EFBIG.*; the new dump is saved$/m,
  );
});
