// A pool made in a process under Node's permission model that was not granted threads (`--allow-worker`) or child
// processes (`--allow-child-process`): new Pool() threw ERR_HIVE_INVALID_ARGUMENT blaming "the pool's worker
// options", which were fine. It throws the error of a start the pool cannot make, naming the grant.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { processPoolSource } from './helpers.js';

// `--experimental-permission` on Node 20, `--permission` since.
const permission = process.versions.node.startsWith('20.') ? '--experimental-permission' : '--permission';
// Reads of the checkout only: the built pool and the task fixture (and node_modules, which may be a link elsewhere:
// the pool loads none of it).
const checkout = fileURLToPath(new URL('../..', import.meta.url));

const refusals = [
  ['thread', 'to start a worker thread: run Node with --allow-worker', 'WorkerThreads'],
  ['process', "to spawn a child process (isolation: 'process'): run Node with --allow-child-process", 'ChildProcess'],
] as const;

for (const [isolation, reason, refused] of refusals) {
  test(`under the permission model without its grant, new Pool({ isolation: '${isolation}' }) says so`, async () => {
    const source = [
      processPoolSource.importPool,
      'let outcome;',
      `try { const pool = ${processPoolSource.newPool.replace("'process'", `'${isolation}'`)}; outcome = { created: true }; await pool.destroy(); }`,
      'catch (error) { outcome = { code: error.code, message: error.message, refused: error.cause?.permission }; }',
      'process.stdout.write(JSON.stringify(outcome));',
    ].join('\n');
    const args = [permission, `--allow-fs-read=${checkout}`, '--input-type=module', '-e', source];
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout), {
      code: 'ERR_HIVE_THREAD_EXITED',
      message: `A pool worker could not be started: Node's permission model refused ${reason}`,
      refused,
    });
  });
}
