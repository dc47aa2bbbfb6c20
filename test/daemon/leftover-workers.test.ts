import assert from 'node:assert/strict';
import { test } from 'node:test';
// isAlive (not the helpers'): not a zombie either (a SIGKILLed orphan may stay one under an init that does not reap).
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { freePort, get } from '../cluster/helpers.js';
import { type Described, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a worker with a blocked loop that its SIGKILLed primary left behind is killed before the respawn takes the port', async () => {
  const port = await freePort();
  // --balance os: the worker holds the listening socket itself, so a leftover keeps the port from the next primary.
  const { primary, worker } = await startBlockedLoopApp(hive, port, ['--balance', 'os', '--kill-timeout', '1s']);
  try {
    // Blocked, it never reads its IPC channel's close, so it outlives the primary.
    assert.equal((await get(port, '/block')).pid, worker);
    process.kill(primary, 'SIGKILL');
    const after = await waitFor(async () => {
      const app = await hive.json<Described>(['describe', 'api']);
      const next = app.processes.find((p) => p.role === 'primary')?.pid;
      return app.status === 'online' && next !== undefined && next !== primary ? app : undefined;
    }, 'a new primary online');
    assert.equal(isAlive(worker), false, 'the blocked worker was killed');
    assert.equal(after.restarts, 1, 'one respawn, no crash loop on a taken port');
    const serving = after.processes.find((p) => p.role === 'worker')!.pid;
    assert.equal((await get(port)).pid, serving);
  } finally {
    if (isAlive(worker)) process.kill(worker, 'SIGKILL');
  }
});
