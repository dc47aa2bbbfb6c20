// Fork mode gives the warning cluster mode does (test/cluster/cgroup-memory.test.ts) when maxMemoryRestart is not
// below the cgroup's memory limit: the same function, said by the fork-mode primary as it starts, in daemon.log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, HiveHome, hiveBin, waitFor } from './helpers.js';

const MiB = 2 ** 20;

/** Why a daemon cannot be started in a memory cgroup of its own here, or undefined when it can. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'cgroups are Linux only';
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  const probe = `/sys/fs/cgroup/memory/hive-fork-probe-${process.pid}`;
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `no writable cgroup v1 memory hierarchy (${(error as Error).message})`;
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

test('fork mode in a memory cgroup warns when --max-memory-restart is not below its limit', async (t) => {
  const skip = unavailable();
  if (skip) return t.skip(skip);
  const group = `/sys/fs/cgroup/memory/hive-fork-${process.pid}`;
  mkdirSync(group);
  const hive = new HiveHome();
  t.after(async () => {
    await hive.cleanup();
    // The group can be removed only once the daemon and all it started have left it.
    await waitFor(() => readFileSync(join(group, 'cgroup.procs'), 'utf8').trim() === '', 'the cgroup emptied');
    rmdirSync(group);
  });
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
