import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
// Not the helpers' isAlive: a SIGKILLed daemon stays a zombie under an init that does not reap.
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { tempHome } from './helpers.js';

const hive = tempHome();

test('a command against a daemon whose socket was deleted names its pid and the way out', async () => {
  const pid = await hive.json<unknown[]>(['ls']).then(() => hive.daemonPid());
  assert.ok(pid !== undefined);
  rmSync(join(hive.home, 'daemon.sock'));
  const ls = await hive.run(['ls']);
  assert.equal(ls.code, 1, ls.stderr);
  assert.match(ls.stderr, /ERR_HIVE_DAEMON_UNREACHABLE: daemon pid (\d+) holds the lock .* but its socket .* is gone/);
  assert.ok(ls.stderr.includes(`daemon pid ${pid} `), ls.stderr);
  assert.match(ls.stderr, /`hive kill --force` ends it/);
  // The advice works.
  const killed = await hive.run(['kill', '--force']);
  assert.equal(killed.code, 0, killed.stderr);
  assert.equal(isAlive(pid), false);
});
