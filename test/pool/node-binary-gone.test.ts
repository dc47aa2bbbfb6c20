// Under process isolation, a Node binary that is gone or lost its execute bits (a package upgrade or removal under a
// running host) is no shortage of the system's: no retry soon brings it back, so the constructor throws and says so,
// rather than creating a pool that waits for processes it can never fork.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { processPoolSource } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'hive-node-gone-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** Runs a copy of this Node that does `damage` to its own binary, then makes a process pool; prints the outcome. */
async function poolAfter(damage: string): Promise<Record<string, unknown>> {
  const node = join(folder, `node-${damage}`);
  copyFileSync(process.execPath, node);
  const source = [
    `const fs = await import('node:fs');`,
    damage === 'unlink' ? 'fs.unlinkSync(process.execPath);' : 'fs.chmodSync(process.execPath, 0o644);',
    processPoolSource.importPool,
    'let outcome;',
    `try { const pool = ${processPoolSource.newPool}; outcome = { created: true }; await pool.destroy(); }`,
    'catch (error) { outcome = { code: error.code, message: error.message }; }',
    'process.stdout.write(JSON.stringify(outcome));',
  ].join('\n');
  // 0644: no execute bit at all, which even root's exec refuses.
  const { stdout } = await promisify(execFile)(node, ['--input-type=module', '-e', source], { timeout: 30_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

for (const damage of ['unlink', 'chmod']) {
  test(`a Node binary ${damage === 'unlink' ? 'removed' : 'made not executable'} under the host: new Pool() throws why`, async () => {
    const node = join(folder, `node-${damage}`);
    assert.deepEqual(await poolAfter(damage), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: `fork refused the pool's worker options: its process could not be spawned (${node}: not there, or not executable)`,
    });
  });
}
