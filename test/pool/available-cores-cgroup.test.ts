// availableCores() against real cgroup v1 groups (root, a writable /sys/fs/cgroup/cpu and cpuset): the fixture trees
// of available-cores.test.ts check the parsing, these check what a process inside the group really reads. A quota on
// an ancestor group (a systemd slice, a Kubernetes pod) with -1 on the process's own group was read as no limit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
