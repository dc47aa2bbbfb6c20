// PM2 parity: a fork-mode app's `restart_delay`, `exp_backoff_restart_delay` and `max_restarts` from an ecosystem file
// are its restart policy, as for a cluster-mode app (they were ignored: a fixed 100 ms backoff and 10 restarts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));

test("a fork-mode app's restart_delay, exp_backoff_restart_delay and max_restarts from a config file are used", async () => {
  const job = daemonFixture('once.sh');
  const apps = [
    // Given alone, a fixed delay turns the backoff off (as PM2's restart_delay).
    { name: 'fixed', script: job, interpreter: 'none', restart_delay: '1h' },
    { name: 'backoff', script: job, interpreter: 'none', exp_backoff_restart_delay: 250, max_restarts: 1 },
  ];
  const file = hive.writeConfig(apps, 'ecosystem.config.js');
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 0, started.stderr);

  await waitFor(() => /fixed: restarting worker 0 in \d+ ms/.test(daemonLog()), 'the fixed restart');
  assert.match(daemonLog(), /fixed: restarting worker 0 in 3600000 ms \(attempt 1\)/);
  // The second crash in a row is one more than max_restarts allows.
  await waitFor(() => /backoff: worker 0 crash-looped/.test(daemonLog()), 'the backoff app to crash-loop');
  assert.deepEqual(daemonLog().match(/backoff: restarting worker 0 in \d+ ms/g), [
    'backoff: restarting worker 0 in 250 ms',
  ]);

  const bad = hive.writeConfig([{ ...apps[0], name: 'bad', restart_delay: 'soon' }], 'bad.config.js');
  const refused = await hive.run(['start', bad]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /restart_delay|restartDelay/);
});
