import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { availableCores, cgroupCpuLimit } from 'hive/pool';
import { parseCfsQuota, parseCpuMax, parseProcCgroup } from '../../dist/pool/available-cores.js';
import { fileTree } from '../file-tree.js';

test('parsers', () => {
  assert.deepEqual(parseProcCgroup('0::/kubepods/pod1/abc\n'), [{ controllers: [], path: '/kubepods/pod1/abc' }]);
  assert.deepEqual(parseProcCgroup('4:cpu,cpuacct:/docker/x\n1:name=systemd:/'), [
    { controllers: ['cpu', 'cpuacct'], path: '/docker/x' },
    { controllers: ['name=systemd'], path: '/' },
  ]);
  assert.equal(parseCpuMax('max 100000\n'), undefined);
  assert.equal(parseCpuMax('200000 100000\n'), 2);
  assert.equal(parseCpuMax('150000 100000'), 2, 'a fractional quota rounds up');
  assert.equal(parseCpuMax('50000 100000'), 1);
  assert.equal(parseCpuMax(undefined), undefined);
  assert.equal(parseCfsQuota('-1\n', '100000\n'), undefined);
  assert.equal(parseCfsQuota('300000\n', '100000\n'), 3);
});

test('cgroup v2: the quota of the own group or the tightest ancestor', () => {
  const root = fileTree({
    'proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
    'sys/fs/cgroup/cpu.max': 'max 100000\n',
    'sys/fs/cgroup/kubepods/cpu.max': '400000 100000\n',
    'sys/fs/cgroup/kubepods/pod1/cpu.max': '150000 100000\n',
    'sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': 'max 100000\n',
  });
  assert.equal(cgroupCpuLimit(root), 2);
  assert.equal(availableCores(root), Math.min(2, availableParallelism()));
});

test('cgroup v2 inside a container namespace: the group is the mount root', () => {
  const root = fileTree({ 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '100000 100000\n' });
  assert.equal(cgroupCpuLimit(root), 1);
  assert.equal(availableCores(root), 1);
});

test('cgroup v1: cfs quota and period, unlimited -1', () => {
  const limited = fileTree({
    'proc/self/cgroup': '5:cpu,cpuacct:/docker/abc\n2:memory:/docker/abc\n',
    'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '100000\n',
    'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
  });
  assert.equal(cgroupCpuLimit(limited), 1);
  const unlimited = fileTree({
    'proc/self/cgroup': '5:cpu,cpuacct:/\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
  });
  assert.equal(cgroupCpuLimit(unlimited), undefined);
  assert.equal(availableCores(unlimited), availableParallelism());
});

test('cgroup v1: the quota of an ancestor group when the own group says -1', () => {
  const root = fileTree({
    'proc/self/cgroup': '4:cpu:/slice/app\n',
    'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
    'sys/fs/cgroup/cpu/slice/cpu.cfs_quota_us': '50000\n',
    'sys/fs/cgroup/cpu/slice/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/cpu/slice/app/cpu.cfs_quota_us': '-1\n',
  });
  assert.equal(cgroupCpuLimit(root), 1);
});

test('hybrid v1/v2 host: the v1 quota whatever the order of the lines, v2 when it has one', () => {
  // A hybrid host (systemd's default before v2-only) lists `0::` with the v1 controllers; cpu is on v1.
  const v1 = {
    'sys/fs/cgroup/cpu,cpuacct/app/cpu.cfs_quota_us': '100000\n',
    'sys/fs/cgroup/cpu,cpuacct/app/cpu.cfs_period_us': '100000\n',
  };
  const first = fileTree({ 'proc/self/cgroup': '0::/app\n5:cpu,cpuacct:/app\n4:memory:/app\n', ...v1 });
  assert.equal(cgroupCpuLimit(first), 1);
  const last = fileTree({ 'proc/self/cgroup': '5:cpu,cpuacct:/app\n4:memory:/app\n0::/app\n', ...v1 });
  assert.equal(cgroupCpuLimit(last), 1);
  const both = fileTree({
    'proc/self/cgroup': '5:cpu,cpuacct:/app\n0::/app\n',
    ...v1,
    'sys/fs/cgroup/app/cpu.max': '300000 100000\n',
  });
  assert.equal(cgroupCpuLimit(both), 3);
});

test('the affinity mask from /proc/self/status, lowered by the quota', () => {
  const files = { 'proc/self/status': 'Name:\tnode\nCpus_allowed:\td\nCpus_allowed_list:\t0,2-3\n' };
  assert.equal(availableCores(fileTree(files)), 3);
  const limited = fileTree({ ...files, 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/cpu.max': '150000 100000\n' });
  assert.equal(availableCores(limited), 2);
});

test('no cgroup information at all: the affinity count', () => {
  assert.equal(cgroupCpuLimit(fileTree({})), undefined);
  assert.equal(availableCores(fileTree({})), availableParallelism());
});
