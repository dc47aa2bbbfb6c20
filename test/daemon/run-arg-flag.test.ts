import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownRunArgs, runArgFlag } from '../../dist/daemon/run-arg-flag.js';

// Every setting the daemon reads from an app's runArgs (kill and listen timeouts, restart policy, memory limit,
// describe's port and sticky mode) goes through these two: the last flag wins, and what follows `--` is the script's.
test("runArgFlag reads the last --<name>= before --, never the script's own arguments", () => {
  const runArgs = ['app.js', '--port=3000', '--sticky=ip', '--port=4000', '--', '--port=5000', 'x'];
  assert.equal(runArgFlag(runArgs, 'port'), '4000', 'the last one before --');
  assert.equal(runArgFlag(runArgs, 'sticky'), 'ip');
  assert.equal(runArgFlag(runArgs, 'balance'), undefined);
  assert.equal(runArgFlag(['app.js', '--', '--port=5000'], 'port'), undefined, "the script's, not Hive's");
  assert.equal(runArgFlag(['app.js', '--port-x=1'], 'port'), undefined, 'a longer flag is another flag');
  assert.equal(runArgFlag(['app.js', '--node-args=--a=1 --b'], 'node-args'), '--a=1 --b', 'the value keeps its =');
  assert.equal(runArgFlag(['app.js', '--port='], 'port'), '', 'an empty value is a value');
});

test('ownRunArgs is what comes before --, or all of it', () => {
  assert.deepEqual(ownRunArgs(['app.js', '--wait-ready', '--', '--no-treekill']), ['app.js', '--wait-ready']);
  assert.deepEqual(ownRunArgs(['app.js', '--wait-ready']), ['app.js', '--wait-ready']);
  const runArgs = ['a.js', '--x=1'];
  assert.notEqual(ownRunArgs(runArgs), runArgs, 'a copy: callers may change it');
});
