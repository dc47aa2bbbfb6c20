// `hive sendSignal` and a fork-mode app's stop signal the pids its primary reported: never 0 (the daemon's whole
// process group), 1, the daemon or the primary, whatever the primary says. A unit test: a primary's report pipe to the
// daemon is a socketpair, which an app process cannot open (/proc/<pid>/fd/1 is ENXIO) to forge such an event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppProcessPid } from '../../dist/daemon/app-process-pid.js';

test('isAppProcessPid refuses pids <= 1, the daemon and the primary, and anything not an integer', () => {
  const primary = 4242;
  for (const pid of [0, -1, -process.pid, 1, process.pid, primary, 1.5, Number.NaN, '77', undefined, null]) {
    assert.equal(isAppProcessPid(pid, primary), false, String(pid));
  }
  assert.equal(isAppProcessPid(77, primary), true);
  assert.equal(isAppProcessPid(77, undefined), true);
});
