// Fork mode set HIVE_INSTANCE and NODE_APP_INSTANCE but not HIVE_CLUSTER_SIZE: each process of `hive start -x app.js
// -i N` sized an 'auto' pool (hive/runtime's pool()) for the whole machine, N processes x threads oversubscribing the
// cores. It is now set as in cluster mode, at each spawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoThreadCount } from '../../dist/pool/sizing.js';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface Sized {
  HIVE_INSTANCE: string;
  NODE_APP_INSTANCE: string;
  HIVE_CLUSTER_SIZE: string | undefined;
  maxThreads: number;
}

// What each process printed, by instance: the last line of each (a reload prints again).
function sizedLines(): Map<string, Sized> {
  const lines = hive.readLog('sized-out.log').match(/^\[sized:\d+\] sized .*$/gm) ?? [];
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

  // A scale up starts the new process with the new size; a reload gives it to every process.
  await hive.json(['scale', 'sized', '3']);
  await waitFor(() => sizedLines().get('2')?.HIVE_CLUSTER_SIZE === '3', 'the new process to report its pool');
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
