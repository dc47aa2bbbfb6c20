// A worker the kernel's OOM killer ends exits with a bare SIGKILL, which reads as someone's `kill -9`; in a container
// it is the usual end of a process that outgrew the memory limit. The primary compares the OOM kill count of its
// cgroup (or the system's) from the worker's fork to its exit, and says "out of memory" when it rose.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { formatEvent } from '../../dist/cluster/log-format.js';
import { oomKillCount } from '../../dist/cluster/oom-kills.js';
import type { SupervisorEvent } from '../../dist/cluster/supervisor.js';
import { cgroupV1Unavailable, makeCgroupV1 } from '../cgroup-v1.js';
import { HiveHome, waitFor } from '../daemon/helpers.js';
import { fileTree } from '../file-tree.js';
import { freePort, isEvent, killAll, startHiveWrapped, tempApp } from './helpers.js';

const MiB = 2 ** 20;

test("the OOM kill count of the own cgroup, v2 and v1, else the system's", (_t) => {
  const vmstat = 'pgfault 10\noom_kill 7\nnr_free_pages 3\n';
  const v2 = fileTree({
    'proc/self/cgroup': '0::/pod/ctr\n',
    'sys/fs/cgroup/pod/ctr/memory.events': 'low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\noom_group_kill 0\n',
    'proc/vmstat': vmstat,
  });
  assert.equal(oomKillCount(v2), 2);
  const v1 = fileTree({
    'proc/self/cgroup': '5:cpu:/\n4:memory:/pod/ctr\n',
    'sys/fs/cgroup/memory/pod/ctr/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n',
    'proc/vmstat': vmstat,
  });
  assert.equal(oomKillCount(v1), 3);
  // The v2 root group has no memory.events: the system's count.
  assert.equal(oomKillCount(fileTree({ 'proc/self/cgroup': '0::/\n', 'proc/vmstat': vmstat })), 7);
  assert.equal(oomKillCount(fileTree({})), undefined);
});

/** A v1 memory group of 200 MiB (swap included) the test's processes are put in; removed after the test. */
function memoryGroup(t: TestContext, name: string): string | undefined {
  const skip = cgroupV1Unavailable('memory', name);
  if (skip) {
    t.skip(skip);
    return undefined;
  }
  const cgroup = makeCgroupV1('memory', name);
  t.after(async () => {
    await killAll();
    await cgroup.remove();
  });
  writeFileSync(join(cgroup.path, 'memory.limit_in_bytes'), String(200 * MiB));
  // With swap, the group would swap rather than reach its limit.
  try {
    writeFileSync(join(cgroup.path, 'memory.memsw.limit_in_bytes'), String(200 * MiB));
  } catch {}
  return cgroup.path;
}

// The first process only (a marker file) fills Buffers, outside V8's heap limit, until the kernel ends it.
const growOnce = (port: number) =>
  tempApp(
    'hive-oom-',
    `import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
const marker = new URL('./grown', import.meta.url);
createServer((req, res) => res.end('ok')).listen(${port}, () => {
  if (existsSync(marker)) return;
  writeFileSync(marker, '');
  const kept = [];
  setInterval(() => kept.push(Buffer.alloc(8 * 1024 * 1024, 1)), 5);
});
`,
  ).app;

test('a worker the OOM killer ends is said to be out of memory; one SIGKILLed by someone is a plain crash', async (t) => {
  const group = memoryGroup(t, 'hive-oom');
  if (group === undefined) return;
  const app = growOnce(await freePort());
  const hive = startHiveWrapped(['sh', '-c', `echo $$ > ${group}/cgroup.procs && exec "$@"`, 'sh'], [app, '-i', '1']);
  const oom = await hive.waitFor(isEvent('exit'), 'the first worker ended', 60_000);
  assert.equal(oom.signal, 'SIGKILL');
  assert.equal(oom.oomKilled, true, JSON.stringify(oom));
  assert.match(
    formatEvent('text', 'api', oom as unknown as SupervisorEvent),
    /exited with signal SIGKILL \(crash: out of memory, the kernel's OOM killer ended it\)$/,
  );

  // Its replacement, SIGKILLed by someone, is no OOM kill.
  const ready = await hive.waitFor(
    (r) => isEvent('worker')(r) && r.state === 'ready' && r.pid !== oom.pid,
    'the replacement',
    60_000,
  );
  process.kill(ready.pid as number, 'SIGKILL');
  const killed = await hive.waitFor((r) => isEvent('exit')(r) && r.pid === ready.pid, 'the replacement ended', 60_000);
  assert.equal(killed.signal, 'SIGKILL');
  assert.equal(killed.oomKilled, undefined);
  hive.kill('SIGTERM');
  await hive.exited;
});

test('a fork-mode process the OOM killer ends is said to be out of memory in daemon.log', async (t) => {
  const group = memoryGroup(t, 'hive-oom-fork');
  if (group === undefined) return;
  const hive = new HiveHome();
  t.after(() => hive.cleanup());
  const app = growOnce(await freePort());
  // The CLI in the group, so is the daemon it starts, and the app's processes.
  const node = join(hive.dir, 'node-in-group.sh');
  writeFileSync(node, `#!/bin/sh\necho $$ > ${group}/cgroup.procs\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
  const started = await hive.run(['start', app, '--name', 'grow', '-x'], { node });
  assert.equal(started.code, 0, started.stderr);
  await waitFor(
    () =>
      /grow: worker 0 \(pid \d+\) exited with signal SIGKILL \(crash: out of memory, the kernel's OOM killer ended it\)/.test(
        hive.readLog('../daemon.log'),
      ),
    'the OOM kill in daemon.log',
  );
  await hive.run(['kill']);
});
