// `-i max` is the cores of the daemon's cgroup, where an app's processes run, not of the shell `hive` is typed in:
// `hive jlist` lists a stopped app with as many rows as its primary ran, the count the daemon resolves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Pm2Process } from '../../dist/cli/pm2-process-list.js';
import { availableCores } from '../../dist/pool/index.js';
import { type Described, daemonFixture, HiveHome, hiveBin, waitFor } from './helpers.js';

/** Why a daemon cannot be started in a CPU cgroup of one core here, or undefined when it can. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'cgroups are Linux only';
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  if (availableCores() < 2) return 'needs 2 cores outside the group to tell the two counts apart';
  const probe = `/sys/fs/cgroup/cpu/hive-cores-probe-${process.pid}`;
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `no writable cgroup v1 cpu hierarchy (${(error as Error).message})`;
  }
  return undefined;
}

/** `hive <args> --json` run in the group: the daemon it starts, and so each app's primary, runs there too. */
async function hiveIn(hive: HiveHome, group: string, args: string[]): Promise<void> {
  const child = spawn(
    'sh',
    ['-c', `echo $$ > ${group}/cgroup.procs && exec "$@"`, 'sh', process.execPath, hiveBin, ...args, '--json'],
    { env: { ...process.env, HIVE_HOME: hive.home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, output);
}

test('a stopped -i max app is listed with the cores of the daemon cgroup, not the CLI one', async (t) => {
  const skip = unavailable();
  if (skip) return t.skip(skip);
  const group = `/sys/fs/cgroup/cpu/hive-cores-${process.pid}`;
  mkdirSync(group);
  const hive = new HiveHome();
  t.after(async () => {
    await hive.cleanup();
    // The group can be removed only once the daemon and all it started have left it.
    await waitFor(() => readFileSync(join(group, 'cgroup.procs'), 'utf8').trim() === '', 'the cgroup emptied');
    rmdirSync(group);
  });
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
