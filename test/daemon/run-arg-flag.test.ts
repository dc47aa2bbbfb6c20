import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keptOptionsWarning } from '../../dist/daemon/app-origin.js';
import { ownRunArgs, ownRunArgsJoined, runArgDuration, runArgFlag } from '../../dist/daemon/run-arg-flag.js';

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

// The daemon's kill, listen and report-interval readings share it: a value the primary refuses reads as its default.
test('runArgDuration reads a duration flag, its fallback when absent or no duration', () => {
  assert.equal(runArgDuration(['a.js', '--kill-timeout=2s', '--kill-timeout=750ms'], 'kill-timeout', 5_000), 750);
  assert.equal(runArgDuration(['a.js', '--listen-timeout=1.5m'], 'listen-timeout', 10_000), 90_000);
  assert.equal(runArgDuration(['a.js'], 'kill-timeout', 5_000), 5_000, 'absent');
  assert.equal(runArgDuration(['a.js', '--kill-timeout=soon'], 'kill-timeout', 5_000), 5_000, 'no duration');
  assert.equal(runArgDuration(['a.js', '--kill-timeout=30d'], 'kill-timeout', 5_000), 5_000, 'no unit d');
  assert.equal(runArgDuration(['a.js', `--kill-timeout=${2 ** 31}`], 'kill-timeout', 5_000), 5_000, 'over a timer');
  assert.equal(runArgDuration(['a.js', '--', '--kill-timeout=1'], 'kill-timeout', 5_000), 5_000, "the script's");
});

// An older Hive's dump may hold the count as `-i 4` or `--instances 4`: a reload of the file that still says 4
// warned that it changes `instances`.
test('ownRunArgsJoined reads an older dump`s -i <n> as --instances=<n>; a reload warns of no change', () => {
  for (const old of [
    ['app.js', '-i', '4', '--port=3000', '--', '-i', '9'],
    ['app.js', '--instances', '4', '--port=3000', '--', '-i', '9'],
  ]) {
    assert.deepEqual(ownRunArgsJoined(old), ['app.js', '--instances=4', '--port=3000'], old.join(' '));
    const spec = { name: 'api', script: 'app.js', cwd: '/srv', runArgs: old, env: {}, instances: '4' };
    const file = {
      configFile: '/srv/hive.config.js',
      runArgs: ['app.js', '--instances=4', '--port=3000', '--', '-i', '9'],
    };
    assert.equal(keptOptionsWarning('api', spec as never, file as never), undefined, old.join(' '));
    const more = { ...file, runArgs: ['app.js', '--instances=5', '--port=3000', '--', '-i', '9'] };
    assert.match(keptOptionsWarning('api', spec as never, more as never) ?? '', /changes --instances/);
  }
});
