// What a config file's reload sends a cluster app's primary (reload-command.ts), and the runArgs the daemon keeps once
// it took: all of the file's new options from a primary that applied them, the old ones of those an older primary
// ignored (one of session 46's applies args and node_args, not max_memory_restart; an older one than this Hive's not
// kill_timeout and listen_timeout).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appliedRunArgs, reloadCommand } from '../../src/daemon/reload-command.js';

const running = ['app.js', '--instances=2', '--node-args=--a', '--max-memory-restart=300M', '--', '--v', '1'];

test('a changed, added or dropped max_memory_restart is sent as the file gives it, null for none', () => {
  const lower = ['app.js', '--instances=2', '--node-args=--a', '--max-memory-restart=100M', '--', '--v', '1'];
  assert.deepEqual(reloadCommand(running, lower), { runArgs: lower, maxMemoryRestart: '100M' });
  const none = ['app.js', '--instances=2', '--node-args=--a', '--', '--v', '1'];
  assert.deepEqual(reloadCommand(running, none), { runArgs: none, maxMemoryRestart: null });
  assert.deepEqual(reloadCommand(none, running), { runArgs: running, maxMemoryRestart: '300M' });
  assert.equal(reloadCommand(running, [...running]), undefined);
  // Other flags are the primary's until a restart: the spec keeps the running ones.
  assert.equal(reloadCommand(running, ['app.js', '--instances=4', ...running.slice(2)]), undefined);
});

test("the runArgs kept hold only what the primary applied: an older one's ignored options stay as they ran", () => {
  const named = ['app.js', '--instances=2', '--node-args=--b', '--', '--v', '2'];
  const all = reloadCommand(running, named);
  assert.deepEqual(all, { runArgs: named, args: ['--v', '2'], nodeArgs: ['--b'], maxMemoryRestart: null });
  assert.deepEqual(appliedRunArgs(running, named, ['args', 'nodeArgs']), [
    'app.js',
    '--instances=2',
    '--node-args=--b',
    '--max-memory-restart=300M',
    '--',
    '--v',
    '2',
  ]);
  assert.deepEqual(appliedRunArgs(running, named, []), [
    'app.js',
    '--instances=2',
    '--node-args=--a',
    '--max-memory-restart=300M',
    '--',
    '--v',
    '1',
  ]);
});

test("a changed kill_timeout or listen_timeout is sent as the file gives it; an older primary's spec keeps the old", () => {
  const timed = ['app.js', '--kill-timeout=3000', '--listen-timeout=3s', '--', '--v', '1'];
  const named = ['app.js', '--kill-timeout=4s', '--', '--v', '1'];
  assert.deepEqual(reloadCommand(timed, named), { runArgs: named, killTimeout: '4s', listenTimeout: null });
  // Fields left out of the keys (those a primary does not apply): not sent, and appliedRunArgs keeps the running ones.
  assert.equal(reloadCommand(timed, named, ['args', 'nodeArgs', 'maxMemoryRestart']), undefined);
  assert.deepEqual(appliedRunArgs(timed, named, ['args', 'nodeArgs', 'maxMemoryRestart']), timed);
});
