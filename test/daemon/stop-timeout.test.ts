import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killTimeoutOf, stopTimeout } from '../../dist/daemon/stop-timeout.js';

// The daemon's bound on a primary's stop must outlast the primary's own escalation: a retiring process's drain
// (killTimeout) and then its tree's SIGTERM-to-SIGKILL wait (killTimeout again). A shorter one SIGKILLs the primary
// mid tree-kill and leaves the children that ignore SIGTERM running. (A real stop that long is too slow for a test;
// treekill.test.ts stops such a tree with a small killTimeout.)
test('the stop timeout outlasts twice the killTimeout, and is never below 30 s', () => {
  assert.equal(stopTimeout(5_000), 30_000, "the default killTimeout keeps today's 30 s");
  assert.equal(stopTimeout(0), 30_000);
  for (const killTimeout of [14_000, 20_000, 60_000, 3_600_000]) {
    assert.ok(stopTimeout(killTimeout) > 2 * killTimeout, `killTimeout ${killTimeout}: ${stopTimeout(killTimeout)}`);
  }
  // node fires a longer timer at once.
  assert.equal(stopTimeout(2_147_483_647), 2_147_483_647);
});

test("an app's killTimeout: a cluster app's from its hive run arguments, a fork-mode app's from its spec", () => {
  const cluster = (runArgs: string[]) => killTimeoutOf({ runArgs });
  assert.equal(cluster(['app.js', '--instances=2', '--']), 5_000, "hive run's default");
  assert.equal(cluster(['app.js', '--kill-timeout=20s', '--']), 20_000);
  assert.equal(cluster(['app.js', '--kill-timeout=1000', '--kill-timeout=1m', '--']), 60_000, 'the last one');
  assert.equal(cluster(['app.js', '--', '--kill-timeout=1m']), 5_000, "the script's own arguments are not hive run's");
  const fork = { command: 'sleep', args: ['9'] };
  assert.equal(killTimeoutOf({ runArgs: ['sleep', '--'], fork, killTimeout: 45_000 }), 45_000);
  assert.equal(killTimeoutOf({ runArgs: ['sleep', '--'], fork }), 5_000);
});
