// Fork mode set HIVE_INSTANCE and NODE_APP_INSTANCE but not HIVE_CLUSTER_SIZE: each process of `hive start -x app.js
// -i N` sized an 'auto' pool (hive/runtime's pool()) for the whole machine, N processes x threads oversubscribing the
// cores. It is now set as in cluster mode, at each spawn; and, as in cluster mode, a scale resizes the pools of the
// processes already running (they kept the size they were started with until a reload).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { autoThreadCount } from '../../dist/pool/sizing.js';
import { type Described, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface Sized {
  HIVE_INSTANCE: string;
  NODE_APP_INSTANCE: string;
  HIVE_CLUSTER_SIZE: string | undefined;
  maxThreads: number;
}

// What each process of app `name` printed, by instance: the last line of each (a reload or a resize prints again).
function sizedLines(name = 'sized'): Map<string, Sized> {
  const lines = hive.readLog(`${name}-out.log`).match(new RegExp(`^\\[${name}:\\d+\\] sized .*$`, 'gm')) ?? [];
  const sized = lines.map((line) => JSON.parse(line.slice(line.indexOf('sized {') + 6)) as Sized);
  return new Map(sized.map((entry) => [entry.HIVE_INSTANCE, entry]));
}

test('hive start -x -i 2: each process gets HIVE_CLUSTER_SIZE, and its auto pool is sized for its share of the cores', async () => {
  const script = daemonFixture('pool-size-fork.mjs');
  const [app] = await hive.json<{ mode: string }[]>(['start', script, '-x', '-i', '2', '--name', 'sized']);
  assert.equal(app!.mode, 'fork');
  await waitFor(() => sizedLines().size === 2, 'both processes to report their pool');
  const threads = autoThreadCount({ HIVE_CLUSTER_SIZE: '2' });
  for (const instance of ['0', '1']) {
    assert.deepEqual(sizedLines().get(instance), {
      HIVE_INSTANCE: instance,
      NODE_APP_INSTANCE: instance,
      HIVE_CLUSTER_SIZE: '2',
      maxThreads: threads,
    });
  }

  // A scale up starts the new process with the new size, and tells those running it; a reload starts each with it.
  await hive.json(['scale', 'sized', '3']);
  await waitFor(
    () => [...sizedLines().values()].filter((sized) => sized.HIVE_CLUSTER_SIZE === '3').length === 3,
    'the new process, and the two running, to report the new size',
  );
  const before = hive.readLog('sized-out.log').length;
  await hive.json(['reload', 'sized']);
  const reports = () =>
    hive
      .readLog('sized-out.log')
      .slice(before)
      .match(/ sized \{/g) ?? [];
  await waitFor(() => reports().length === 3, 'the reloaded processes to report their pools');
  const reloaded = sizedLines();
  for (const instance of ['0', '1', '2']) {
    assert.equal(reloaded.get(instance)?.HIVE_CLUSTER_SIZE, '3', instance);
    assert.equal(reloaded.get(instance)?.maxThreads, autoThreadCount({ HIVE_CLUSTER_SIZE: '3' }), instance);
  }
  await hive.json(['delete', 'sized']);
});

test('hive scale resizes the auto pool of a running fork-mode process, up and down', async () => {
  const script = daemonFixture('pool-size-fork.mjs');
  await hive.json(['start', script, '-x', '-i', '1', '--name', 'resized']);
  await waitFor(() => sizedLines('resized').get('0')?.HIVE_CLUSTER_SIZE === '1', 'the process to report its pool');
  assert.equal(sizedLines('resized').get('0')?.maxThreads, autoThreadCount({ HIVE_CLUSTER_SIZE: '1' }));
  const pid = (await hive.json<Described>(['describe', 'resized'])).processes.find((p) => p.role === 'worker')?.pid;
  assert.ok(pid);

  await hive.json(['scale', 'resized', '2']);
  await waitFor(
    () => sizedLines('resized').get('0')?.HIVE_CLUSTER_SIZE === '2',
    'the running process to report the new size',
  );
  assert.equal(sizedLines('resized').get('0')?.maxThreads, autoThreadCount({ HIVE_CLUSTER_SIZE: '2' }));
  await hive.json(['scale', 'resized', '1']);
  await waitFor(
    () => sizedLines('resized').get('0')?.HIVE_CLUSTER_SIZE === '1',
    'the running process to report the size of one',
  );
  assert.equal(sizedLines('resized').get('0')?.maxThreads, autoThreadCount({ HIVE_CLUSTER_SIZE: '1' }));
  // The same process throughout: resized, not restarted.
  const after = (await hive.json<Described>(['describe', 'resized'])).processes.find((p) => p.role === 'worker')?.pid;
  assert.equal(after, pid);
  await hive.json(['delete', 'resized']);
});

test('a scale up that fails tells the running processes the size kept, one restarted meanwhile included', async () => {
  // The new instance restarts instance 0, whose new process asks for the size while the scale waits (and is told 2),
  // then is never ready: the scale fails and the app keeps its one slot. The restarted process followed the 2.
  const gate = join(hive.dir, 'gate-pid');
  const script = daemonFixture('pool-size-fork-gated.mjs');
  const lines = () =>
    (hive.readLog('gated-out.log').match(/ sized \{.*$/gm) ?? []).map(
      (line) => JSON.parse(line.slice(line.indexOf('{'))) as { pid: number; HIVE_CLUSTER_SIZE: string },
    );
  await hive.json(['start', script, '-x', '-i', '1', '--name', 'gated', '--wait-ready', '--listen-timeout', '3s'], {
    env: { GATE_FILE: gate },
  });
  const first = (await waitFor(() => lines()[0], 'instance 0 to report its size')).pid;
  const scale = await hive.run(['scale', 'gated', '2']);
  assert.notEqual(scale.code, 0, 'the new instance is never ready');
  const restarted = await waitFor(() => lines().find((line) => line.pid !== first), 'instance 0 to restart');
  assert.equal(restarted.HIVE_CLUSTER_SIZE, '2', 'started while the scale waited');
  const described = await hive.json<Described>(['describe', 'gated']);
  assert.equal(described.processes.filter((p) => p.role === 'worker').length, 1);
  await waitFor(
    () =>
      lines()
        .filter((line) => line.pid === restarted.pid)
        .at(-1)?.HIVE_CLUSTER_SIZE === '1',
    'the restarted process to follow the size kept, 1',
  );
  await hive.json(['delete', 'gated']);
});
