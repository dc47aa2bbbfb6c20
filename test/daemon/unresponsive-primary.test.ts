import assert from 'node:assert/strict';
import { test } from 'node:test';
// isAlive (not the helpers'): not a zombie either (a SIGKILLed orphan may stay one under an init that does not reap).
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { fixture, freePort, get } from '../cluster/helpers.js';
import { type Described, pidOf, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';
import { requestOf } from './home-processes.js';

const hive = tempHome();

test('reload and scale of an app whose primary is frozen fail with ERR_HIVE_PRIMARY_UNRESPONSIVE; stop kills its tree', async () => {
  const port = await freePort();
  // The daemon's bound for a reload's or scale's answer is 10 s over the slots' listen and kill timeouts: these short,
  // the listen timeout no shorter than a boot on a loaded CI machine (over a second seen), as the start waits for one.
  const flags = ['--listen-timeout', '2s', '--kill-timeout', '100ms'];
  const { primary, worker } = await startBlockedLoopApp(hive, port, flags);
  // A second frozen app, `scaled`: the daemon runs one app's commands one after another, but different apps' side by
  // side, so its scale waits out its bound while `api`'s reload waits out its own, and the two stops theirs together
  // (those bounds, 14 s and 10 s, were most of this test's time when one app took all three in turn).
  const scaledStart = await hive.run([
    'start',
    fixture('blocked-loop.mjs'),
    '--name',
    'scaled',
    '-i',
    '1',
    '--port',
    String(await freePort()),
    ...flags,
  ]);
  assert.equal(scaledStart.code, 0, scaledStart.stderr);
  const scaledApp = await requestOf<Described>(hive.home, 'describe', { target: 'scaled' });
  const scaled = { primary: pidOf(scaledApp, 'primary'), worker: pidOf(scaledApp, 'worker') };
  // A worker whose loop is blocked leaves only on SIGKILL: the stop must reach it through the primary's tree.
  assert.equal((await get(port, '/block')).pid, worker);
  process.kill(primary, 'SIGSTOP');
  process.kill(scaled.primary, 'SIGSTOP');
  try {
    const [reload, scale] = await Promise.all([hive.run(['reload', 'api']), hive.run(['scale', 'scaled', '3'])]);
    assert.equal(reload.code, 1, `exit code (null: hung); stderr: ${reload.stderr}`);
    assert.match(reload.stderr, /ERR_HIVE_PRIMARY_UNRESPONSIVE: app "api": its primary \(pid \d+\) does not answer/);
    assert.ok(reload.stderr.includes(`pid ${primary}`), reload.stderr);

    assert.equal(scale.code, 1, `exit code (null: hung); stderr: ${scale.stderr}`);
    assert.match(scale.stderr, /ERR_HIVE_PRIMARY_UNRESPONSIVE: app "scaled"/);

    const [stop, stopScaled] = await Promise.all([hive.run(['stop', 'api']), hive.run(['stop', 'scaled'])]);
    assert.equal(stop.code, 0, `exit code (null: hung); stderr: ${stop.stderr}`);
    assert.equal(stopScaled.code, 0, `exit code (null: hung); stderr: ${stopScaled.stderr}`);
    assert.equal(isAlive(primary), false, 'the frozen primary is gone');
    assert.equal(isAlive(scaled.primary), false, 'the other frozen primary is gone');
    await waitFor(() => !isAlive(worker), 'the blocked worker to be killed with its primary');
    await waitFor(() => !isAlive(scaled.worker), 'the other worker to be killed with its primary');
    const log = hive.readLog('../daemon.log');
    assert.match(log, new RegExp(`primary pid ${primary} did not answer within 10000 ms; SIGKILL`));
    assert.match(log, new RegExp(`primary pid ${scaled.primary} did not answer within 10000 ms; SIGKILL`));
  } finally {
    for (const pid of [primary, scaled.primary]) if (isAlive(pid)) process.kill(pid, 'SIGCONT');
    for (const pid of [worker, scaled.worker]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  // The app's later commands run.
  const again = await hive.run(['start', 'api']);
  assert.equal(again.code, 0, again.stderr);
  const restarted = await requestOf<Described>(hive.home, 'describe', { target: 'api' });
  assert.equal(restarted.status, 'online');
  assert.notEqual(pidOf(restarted, 'primary'), primary);
  const removed = await hive.run(['delete', 'api']);
  assert.equal(removed.code, 0, removed.stderr);
});
