import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';

// daemon.log says "app stopped" at a stop of a fork-mode app as at one of a cluster app: the fork-mode primary said
// only "app stopping".

const hive = tempHome();

test('daemon.log has an "app stopped" line for a stopped fork-mode app, as for a cluster one', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'forked']);
  await hive.json(['start', appFixture, '--name', 'clustered', '-i', '1']);
  for (const name of ['forked', 'clustered']) {
    const stop = await hive.run(['stop', name]);
    assert.equal(stop.code, 0, stop.stderr);
    await waitFor(
      () => hive.readLog('../daemon.log').includes(`${name}: app stopped`),
      `${name}: "app stopped" in daemon.log`,
      15_000,
    );
  }
  const lines = hive.readLog('../daemon.log').split('\n');
  const forked = lines.filter((line) => / forked: app stop/.test(line)).map((line) => line.replace(/^.* forked: /, ''));
  assert.deepEqual(forked, ['app stopping', 'app stopped']);
  await hive.run(['delete', 'all']);
});
