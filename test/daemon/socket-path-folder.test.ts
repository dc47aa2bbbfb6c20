import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HiveHome } from './helpers.js';

// A directory at daemon.sock: the daemon started over it crashed (unlink: EISDIR), and the command that started it
// waited 10 s, then pointed at daemon.log. Now a typed error names the path, and the directory and its content stay.
const homes: HiveHome[] = [];
after(async () => {
  for (const home of homes) await home.cleanup();
});

function homeWithFolderAtSocket(): { home: HiveHome; socket: string } {
  const home = new HiveHome();
  homes.push(home);
  mkdirSync(home.home, { mode: 0o700 });
  const socket = join(home.home, 'daemon.sock');
  mkdirSync(socket);
  writeFileSync(join(socket, 'keep.txt'), 'mine\n');
  return { home, socket };
}

test('a directory at daemon.sock: the command fails with ERR_HIVE_DAEMON_SOCKET_PATH naming it, and keeps it', async () => {
  const { home, socket } = homeWithFolderAtSocket();
  const ls = await home.run(['ls']);
  assert.notEqual(ls.code, 0);
  assert.match(ls.stderr, /ERR_HIVE_DAEMON_SOCKET_PATH/);
  assert.ok(ls.stderr.includes(socket), ls.stderr);
  assert.ok(lstatSync(socket).isDirectory());
  assert.ok(existsSync(join(socket, 'keep.txt')));
});

test('a directory at daemon.sock: a daemon started over it refuses to start with the typed error', () => {
  const { home, socket } = homeWithFolderAtSocket();
  const main = new URL('../../dist/daemon/main.js', import.meta.url).pathname;
  const daemon = spawnSync(process.execPath, [main], {
    cwd: home.home,
    env: { ...process.env, HIVE_HOME: home.home },
    encoding: 'utf8',
    timeout: 60_000,
  });
  // DAEMON_REFUSED_EXIT: the command that started it reads the refusal from daemon.log and reports it at once.
  assert.equal(daemon.status, 78, daemon.stderr);
  assert.match(daemon.stderr, /refused to start: .*ERR_HIVE_DAEMON_SOCKET_PATH/);
  assert.ok(daemon.stderr.includes(socket));
  assert.ok(existsSync(join(socket, 'keep.txt')));
});
