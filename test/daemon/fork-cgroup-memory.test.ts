// Fork mode gives the warning cluster mode does (test/cluster/cgroup-memory.test.ts) when maxMemoryRestart is not
// below the cgroup's memory limit: the same function, said by the fork-mode primary as it starts, in daemon.log.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupV1Unavailable, makeCgroupV1 } from '../cgroup-v1.js';
import { daemonFixture, hiveIn, homeForCgroup, waitFor } from './helpers.js';

const MiB = 2 ** 20;

test('fork mode in a memory cgroup warns when --max-memory-restart is not below its limit', async (t) => {
  const skip = cgroupV1Unavailable('memory', 'hive-fork');
  if (skip) return t.skip(skip);
  const cgroup = makeCgroupV1('memory', 'hive-fork');
  const group = cgroup.path;
  const hive = homeForCgroup(t, cgroup);
  writeFileSync(join(group, 'memory.limit_in_bytes'), String(300 * MiB));
  await hiveIn(hive, group, ['start', daemonFixture('ticker.sh'), '--name', 'above', '--max-memory-restart', '300M']);
  await hiveIn(hive, group, ['start', daemonFixture('ticker.sh'), '--name', 'below', '--max-memory-restart', '200M']);
  // Each start returns once its app is online, which its primary says after the warning: both are in the log by now.
  const warning = /above: warning: maxMemoryRestart \(300 MiB\) is not below this cgroup's memory limit \(300 MiB/;
  const log = await waitFor(() => {
    const text = hive.readLog('../daemon.log');
    return warning.test(text) ? text : undefined;
  }, 'the warning fork mode gives as cluster mode does');
  assert.doesNotMatch(log, /below: warning/);
});
