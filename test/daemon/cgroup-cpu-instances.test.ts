// `-i max` is the cores of the daemon's cgroup, where an app's processes run, not of the shell `hive` is typed in:
// `hive jlist` lists a stopped app with as many rows as its primary ran, the count the daemon resolves.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Pm2Process } from '../../dist/cli/pm2-process-list.js';
import { availableCores } from '../../dist/pool/index.js';
import { cgroupV1Unavailable, makeCgroupV1 } from '../cgroup-v1.js';
import { type Described, daemonFixture, hiveIn, homeForCgroup } from './helpers.js';

/** Why a daemon cannot be started in a CPU cgroup of one core here, or undefined when it can. */
function unavailable(): string | undefined {
  if (availableCores() < 2) return 'needs 2 cores outside the group to tell the two counts apart';
  return cgroupV1Unavailable('cpu', 'hive-cores');
}

test('a stopped -i max app is listed with the cores of the daemon cgroup, not the CLI one', async (t) => {
  const skip = unavailable();
  if (skip) return t.skip(skip);
  const cgroup = makeCgroupV1('cpu', 'hive-cores');
  const group = cgroup.path;
  const hive = homeForCgroup(t, cgroup);
  writeFileSync(join(group, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(group, 'cpu.cfs_quota_us'), '100000');
  await hiveIn(hive, group, ['start', daemonFixture('ticker.sh'), '--name', 'tick', '-i', 'max']);
  const [running] = await hive.json<Described[]>(['ls']);
  assert.deepEqual([running!.total, running!.configuredInstances], [1, 1]);
  await hive.json(['stop', 'tick']);
  // From outside the group (this process may use 2 cores or more): the daemon's count.
  const result = await hive.run(['jlist']);
  assert.equal(result.code, 0, result.stderr);
  const rows = JSON.parse(result.stdout) as Pm2Process[];
  assert.deepEqual(
    rows.map((row) => [row.pid, row.pm2_env.status, row.pm2_env.instances]),
    [[0, 'stopped', 1]],
  );
});
