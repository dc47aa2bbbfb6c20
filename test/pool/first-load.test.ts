// The signal the runtime makes a process's readiness wait on (pool/first-load.ts): each pool that starts threads at
// construction is announced on a process-wide symbol, with the outcome of its first load. No Hive primary here: the
// listener is set by hand, as the preloaded runtime sets it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

interface PoolStart {
  filename: string;
  loaded: Promise<Error | undefined>;
}

const starts: PoolStart[] = [];
(globalThis as Record<symbol, unknown>)[Symbol.for('hive.pool.start')] = (start: PoolStart) => starts.push(start);
const dir = mkdtempSync(join(tmpdir(), 'hive-first-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function started(pool: Pool): PoolStart {
  const start = starts.find((one) => one.filename === pool.options.filename);
  assert.ok(start, `${pool.options.filename} announced`);
  starts.splice(starts.indexOf(start), 1);
  return start;
}

test('a pool whose module loads: announced, its first load undefined', async () => {
  const pool = new Pool({ filename: fixture('echo.mjs'), minThreads: 1, maxThreads: 1 });
  assert.equal(await started(pool).loaded, undefined);
  await pool.close();
});

test('a pool whose module throws at import: its first load is the ERR_HIVE_TASK_MODULE the error event carries', async () => {
  const pool = new Pool({ filename: fixture('throws-at-load.mjs'), minThreads: 2, maxThreads: 2 });
  const errors: Error[] = [];
  pool.on('error', (error) => errors.push(error));
  const error = await started(pool).loaded;
  assert.equal((error as { code?: string } | undefined)?.code, 'ERR_HIVE_TASK_MODULE');
  assert.match(String(error?.message), /this module does not load/);
  assert.equal(errors[0], error);
  await pool.destroy();
});

test('a pool with minThreads 0 starts no thread, and is not announced', async () => {
  const pool = new Pool({ filename: fixture('echo.mjs'), minThreads: 0, maxThreads: 1 });
  assert.equal(await pool.run('x'), 'x');
  assert.equal(
    starts.some((one) => one.filename === pool.options.filename),
    false,
  );
  await pool.close();
});

test('a pool destroyed while its init still runs: its first load settles, undefined', async () => {
  const pool = new Pool({
    filename: fixture('init-waits.mjs'),
    minThreads: 1,
    maxThreads: 1,
    env: { HIVE_TEST_DIR: dir },
  });
  const { loaded } = started(pool);
  await pool.destroy();
  assert.equal(await loaded, undefined);
});
