// A maxMemoryRestart at or above the cgroup's memory limit never acts: the OOM killer (or V8's heap limit, which Node
// derives from the cgroup's) ends the process first, a crash where a replacement was asked for. The primary says so.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupMemoryLimit, memoryLimitWarning } from '../../dist/cluster/cgroup-memory.js';
import { cgroupV1Unavailable, makeCgroupV1 } from '../cgroup-v1.js';
import { fileTree } from '../file-tree.js';
import { fixture, hiveBin, outputUntilReady } from './helpers.js';

const MiB = 2 ** 20;

test('the memory limit of the own group or the tightest ancestor, v1 and v2', (_t) => {
  const v1 = fileTree({
    'proc/self/cgroup': '4:memory:/pod/ctr\n3:cpu:/\n',
    'sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
    'sys/fs/cgroup/memory/pod/memory.limit_in_bytes': `${512 * MiB}\n`,
    'sys/fs/cgroup/memory/pod/ctr/memory.limit_in_bytes': '9223372036854771712\n',
  });
  assert.equal(cgroupMemoryLimit(v1), 512 * MiB);
  const v2 = fileTree({
    'proc/self/cgroup': '0::/pod/ctr\n',
    'sys/fs/cgroup/pod/memory.max': `${512 * MiB}\n`,
    'sys/fs/cgroup/pod/ctr/memory.max': `${256 * MiB}\n`,
  });
  assert.equal(cgroupMemoryLimit(v2), 256 * MiB);
  const unlimited = fileTree({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/memory.max': 'max\n' });
  assert.equal(cgroupMemoryLimit(unlimited), undefined);
  assert.equal(cgroupMemoryLimit(fileTree({})), undefined);

  const root = v2;
  assert.match(memoryLimitWarning(256 * MiB, { root }) ?? '', /maxMemoryRestart \(256 MiB\) is not below .* \(256 MiB/);
  assert.equal(memoryLimitWarning(200 * MiB, { root }), undefined);
  assert.equal(memoryLimitWarning(undefined, { root }), undefined);
  assert.equal(memoryLimitWarning(4096 * MiB, { root: unlimited }), undefined);
  // The limit holds for all the processes together (hive deploy's rule): 2 x 128 MiB reach 256 MiB.
  assert.equal(memoryLimitWarning(100 * MiB, { processes: 2, root }), undefined);
  assert.equal(
    memoryLimitWarning(128 * MiB, { processes: 2, root }),
    "maxMemoryRestart (128 MiB) for each of 2 processes is not below this cgroup's memory limit (256 MiB, shared by all its processes): the OOM killer or the V8 heap limit ends a process before it is replaced; set it lower: about 85 MiB leaves room for a replacement starting beside them",
  );
});

/** The output of `hive run` in the group up to its worker's ready line; the run is then stopped and waited for. */
function runIn(group: string, args: string[]): Promise<string> {
  return outputUntilReady('sh', [
    '-c',
    `echo $$ > ${group}/cgroup.procs && exec "$@"`,
    'sh',
    process.execPath,
    hiveBin,
    'run',
    ...args,
  ]);
}

test('hive run in a memory cgroup warns when --max-memory-restart is not below its limit', async (t) => {
  const skip = cgroupV1Unavailable('memory', 'hive-a10');
  if (skip) return t.skip(skip);
  const cgroup = makeCgroupV1('memory', 'hive-a10');
  t.after(() => cgroup.remove());
  const group = cgroup.path;
  writeFileSync(join(group, 'memory.limit_in_bytes'), String(300 * MiB));
  const script = fixture('app.js');
  const above = await runIn(group, [script, '-i', '1', '--max-memory-restart', '300M']);
  assert.match(above, /warning: maxMemoryRestart \(300 MiB\) is not below this cgroup's memory limit \(300 MiB/);
  const below = await runIn(group, [script, '-i', '1', '--max-memory-restart', '200M']);
  assert.match(below, /ready/);
  assert.doesNotMatch(below, /warning/);
  // Below it for one process, not for two together: the limit is the group's.
  const both = await runIn(group, [script, '-i', '2', '--max-memory-restart', '200M']);
  assert.match(both, /warning: maxMemoryRestart \(200 MiB\) for each of 2 processes is not below .* about 100 MiB/);
});
