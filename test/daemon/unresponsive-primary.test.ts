import assert from 'node:assert/strict';
import { test } from 'node:test';
// isAlive (not the helpers'): not a zombie either (a SIGKILLed orphan may stay one under an init that does not reap).
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { freePort, get } from '../cluster/helpers.js';
import { type Described, pidOf, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('reload and scale of an app whose primary is frozen fail with ERR_HIVE_PRIMARY_UNRESPONSIVE; stop kills its tree', async () => {
  const port = await freePort();
  // The daemon's bound for a reload's or scale's answer is 10 s over the slots' listen and kill timeouts: these short,
  // the listen timeout no shorter than a boot on a loaded CI machine (over a second seen), as the start waits for one.
  const { primary, worker } = await startBlockedLoopApp(hive, port, [
    '--listen-timeout',
    '2s',
    '--kill-timeout',
    '100ms',
  ]);
  // A worker whose loop is blocked leaves only on SIGKILL: the stop must reach it through the primary's tree.
  assert.equal((await get(port, '/block')).pid, worker);
  process.kill(primary, 'SIGSTOP');
  try {
    const reload = await hive.run(['reload', 'api']);
    assert.equal(reload.code, 1, `exit code (null: hung); stderr: ${reload.stderr}`);
    assert.match(reload.stderr, /ERR_HIVE_PRIMARY_UNRESPONSIVE: app "api": its primary \(pid \d+\) does not answer/);
    assert.ok(reload.stderr.includes(`pid ${primary}`), reload.stderr);

    const scale = await hive.run(['scale', 'api', '3']);
    assert.equal(scale.code, 1, `exit code (null: hung); stderr: ${scale.stderr}`);
    assert.match(scale.stderr, /ERR_HIVE_PRIMARY_UNRESPONSIVE: app "api"/);

    const stop = await hive.run(['stop', 'api']);
    assert.equal(stop.code, 0, `exit code (null: hung); stderr: ${stop.stderr}`);
    assert.equal(isAlive(primary), false, 'the frozen primary is gone');
    await waitFor(() => !isAlive(worker), 'the blocked worker to be killed with its primary');
    assert.match(
      hive.readLog('../daemon.log'),
      new RegExp(`primary pid ${primary} did not answer within 10000 ms; SIGKILL`),
    );
  } finally {
    if (isAlive(primary)) process.kill(primary, 'SIGCONT');
    if (isAlive(worker)) process.kill(worker, 'SIGKILL');
  }

  // The app's later commands run.
  const again = await hive.run(['start', 'api']);
  assert.equal(again.code, 0, again.stderr);
  const restarted = await hive.json<Described>(['describe', 'api']);
  assert.equal(restarted.status, 'online');
  assert.notEqual(pidOf(restarted, 'primary'), primary);
  const removed = await hive.run(['delete', 'api']);
  assert.equal(removed.code, 0, removed.stderr);
});
