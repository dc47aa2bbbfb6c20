import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HiveHome } from './helpers.js';

// What a killed daemon (or anything else) left at daemon.sock that is not a socket: the daemon that starts removes it
// and listens, without following it.
const homes: HiveHome[] = [];
after(async () => {
  for (const home of homes) await home.cleanup();
});

function newHome(): HiveHome {
  const home = new HiveHome();
  homes.push(home);
  mkdirSync(home.home, { mode: 0o700 });
  return home;
}

test('a dangling symlink at daemon.sock is removed and the daemon starts', async () => {
  const home = newHome();
  const socket = join(home.home, 'daemon.sock');
  symlinkSync(join(home.dir, 'nowhere.sock'), socket);
  const ls = await home.run(['ls']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.ok(lstatSync(socket).isSocket());
});

test('a plain file at daemon.sock is removed and the daemon starts', async () => {
  const home = newHome();
  const socket = join(home.home, 'daemon.sock');
  writeFileSync(socket, 'left over\n');
  const ls = await home.run(['ls']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.ok(lstatSync(socket).isSocket());
});
