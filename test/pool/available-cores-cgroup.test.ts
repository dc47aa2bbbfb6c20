// availableCores() against real cgroup v1 groups (root, a writable /sys/fs/cgroup/cpu and cpuset): the fixture trees
// of available-cores.test.ts check the parsing, these check what a process inside the group really reads. A quota on
// an ancestor group (a systemd slice, a Kubernetes pod) with -1 on the process's own group was read as no limit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';

const v1 = '/sys/fs/cgroup';
const pool = new URL('../../dist/pool/index.js', import.meta.url).href;

/** Why the real-cgroup tests cannot run here, or undefined when they can. */
function unavailable(controller: string): string | undefined {
  if (process.platform !== 'linux') return 'cgroups are Linux only';
  if (process.getuid?.() !== 0) return 'needs root to create cgroups';
  const probe = join(v1, controller, `hive-a10-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `no writable cgroup v1 ${controller} hierarchy at ${join(v1, controller)} (${(error as Error).message})`;
  }
  return undefined;
}

const made = new WeakMap<TestContext, string[]>();

/** Creates a group (and its parents) under a v1 controller; the test removes what it made after it, children first. */
function group(t: TestContext, controller: string, path: string, files: Record<string, string> = {}): string {
  let created = made.get(t);
  if (created === undefined) {
    const list: string[] = [];
    made.set(t, list);
    t.after(() => {
      for (const dir of list.reverse()) rmdirSync(dir);
    });
    created = list;
  }
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const dir = join(v1, controller, ...parts.slice(0, i));
    if (existsSync(dir)) continue;
    mkdirSync(dir);
    created.push(dir);
  }
  const dir = join(v1, controller, path);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** availableCores() and cgroupCpuLimit() as read by a Node process started inside the given groups. */
function coresIn(groups: string[]): { cores: number; limit: number | null } {
  const join = groups.map((dir) => `echo $$ > ${dir}/cgroup.procs && `).join('');
  const code = `const m = await import(${JSON.stringify(pool)}); console.log(JSON.stringify({ cores: m.availableCores(), limit: m.cgroupCpuLimit() ?? null }))`;
  const child = spawnSync('sh', ['-c', `${join}exec "$0" --input-type=module -e "$1"`, process.execPath, code], {
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

const name = `hive-a10-${process.pid}`;

test('v1: a 1-core quota on the parent group holds for a process in a child group', (t) => {
  const skip = unavailable('cpu') ?? (availableParallelism() < 2 ? 'needs 2 CPUs to tell 1 core apart' : undefined);
  if (skip) return t.skip(skip);
  group(t, 'cpu', name, { 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '100000' });
  const child = group(t, 'cpu', `${name}/app`);
  assert.deepEqual(coresIn([child]), { cores: 1, limit: 1 });
});

test('v1: a fractional quota rounds up (1.5 cores: 2), and a 1-CPU cpuset lowers it to 1', (t) => {
  const skip =
    unavailable('cpu') ??
    unavailable('cpuset') ??
    (availableParallelism() < 2 ? 'needs 2 CPUs to tell 1 core apart' : undefined);
  if (skip) return t.skip(skip);
  const cpu = group(t, 'cpu', name, { 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '150000' });
  assert.deepEqual(coresIn([cpu]), { cores: 2, limit: 2 });
  const cpuset = group(t, 'cpuset', name, { 'cpuset.cpus': '0', 'cpuset.mems': '0' });
  assert.deepEqual(coresIn([cpuset]), { cores: 1, limit: null }, 'the affinity mask alone');
  assert.deepEqual(coresIn([cpu, cpuset]), { cores: 1, limit: 2 }, 'the smaller of the quota and the affinity mask');
});

// No writable cgroup v2 with a cpu controller here (the controllers sit on v1), so the v2 tree is files on a bind mount
// over /sys/fs/cgroup, and /proc/self/cgroup a file bound over the child's own, in a mount namespace of the child: Node
// (libuv, from 1.49: Node 22.12, 23, 24) reads them as it reads a real cgroupfs. There os.availableParallelism() is
// already lowered by the quota, rounded down (1.5 cores: 1), and the smaller of it and Hive's rounded-up count gave 1
// on those Node versions, 2 on Node 20: the same container ran a different number of processes by Node version.
test('v2: a 1.5-core quota on the pod group counts 2 cores on every Node version, as documented', (t) => {
  if (process.platform !== 'linux') return t.skip('cgroups are Linux only');
  if (process.getuid?.() !== 0) return t.skip('needs root for a mount namespace');
  if (availableParallelism() < 2) return t.skip('needs 2 CPUs to tell 1 core apart');
  const dir = mkdtempSync(join(tmpdir(), 'hive-a10-v2-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tree = join(dir, 'cgroup');
  mkdirSync(join(tree, 'pod/ctr'), { recursive: true });
  for (const group of ['', 'pod', 'pod/ctr']) writeFileSync(join(tree, group, 'cgroup.controllers'), 'cpu memory\n');
  writeFileSync(join(tree, 'pod/cpu.max'), '150000 100000\n');
  writeFileSync(join(tree, 'pod/ctr/cpu.max'), 'max 100000\n');
  writeFileSync(join(dir, 'self-cgroup'), '0::/pod/ctr\n');
  const code = `const m = await import(${JSON.stringify(pool)}); const { availableParallelism } = await import('node:os'); console.log(JSON.stringify({ cores: m.availableCores(), limit: m.cgroupCpuLimit() ?? null, node: availableParallelism() }))`;
  // exec keeps the pid, so the node process reads the /proc/<pid>/cgroup bound over here as its /proc/self/cgroup.
  const script = `mount --make-rprivate / && mount --bind "$1" /sys/fs/cgroup && mount --bind "$2" /proc/$$/cgroup && exec "$0" --input-type=module -e "$3"`;
  const child = spawnSync(
    'unshare',
    ['-m', 'sh', '-c', script, process.execPath, tree, join(dir, 'self-cgroup'), code],
    {
      encoding: 'utf8',
    },
  );
  if (child.error || child.status !== 0) {
    return t.skip(`no mount namespace here (${child.error?.message ?? child.stderr.trim()})`);
  }
  const { cores, limit, node } = JSON.parse(child.stdout);
  t.diagnostic(`os.availableParallelism() in the namespace: ${node} (${process.version})`);
  assert.deepEqual({ cores, limit }, { cores: 2, limit: 2 });
});
