import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, HiveHome } from './helpers.js';

const homes: HiveHome[] = [];
const servers: Server[] = [];
after(async () => {
  for (const server of servers) server.close();
  for (const home of homes) await home.cleanup();
});

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const rootOnly = asRoot ? false : 'needs root, to give files to uid 65534 (nobody) as another user would own them';

function newHome(mode = 0o700): HiveHome {
  const home = new HiveHome();
  homes.push(home);
  mkdirSync(home.home, { mode });
  // mkdir's mode is masked by the umask.
  chmodSync(home.home, mode);
  return home;
}

/** A stranger's "daemon" on the home's socket: keeps every byte a client sends it. */
async function impostor(home: HiveHome): Promise<{ received: () => string }> {
  let received = '';
  const server = createServer((socket) => socket.on('data', (chunk) => (received += chunk.toString())));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(join(home.home, 'daemon.sock'), resolve));
  return { received: () => received };
}

const secretEnv = { HIVE_TEST_SECRET: 'hunter2' };

test('a HIVE_HOME writable by other users is refused before anything is sent to its socket', async () => {
  const home = newHome(0o777);
  const server = await impostor(home);
  const result = await home.run(['ls'], { env: secretEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.ok(result.stderr.includes(home.home), result.stderr);
  assert.match(result.stderr, /mode 0777/);
  assert.match(result.stderr, /chmod 700/);
  assert.equal(server.received(), '');
});

test('a HIVE_HOME of another user is refused, naming its owner, and its socket gets nothing', {
  skip: rootOnly,
}, async () => {
  const home = newHome(0o755);
  const server = await impostor(home);
  chownSync(join(home.home, 'daemon.sock'), NOBODY, NOBODY);
  chownSync(home.home, NOBODY, NOBODY);
  const result = await home.run(['start', appFixture], { env: secretEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.match(result.stderr, new RegExp(`owned by uid ${NOBODY}, not by this user \\(uid 0\\)`));
  assert.equal(server.received(), '');
  // `hive kill --force` SIGKILLs the pid the home's lock file names: not in a stranger's home either.
  const kill = await home.run(['kill', '--force']);
  assert.equal(kill.code, 1, kill.stderr);
  assert.match(kill.stderr, /ERR_HIVE_HOME_UNSAFE/);
});

test('a daemon.sock of another user in an own home is refused and gets nothing', { skip: rootOnly }, async () => {
  const home = newHome(0o700);
  const server = await impostor(home);
  chownSync(join(home.home, 'daemon.sock'), NOBODY, NOBODY);
  const result = await home.run(['ls'], { env: secretEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.ok(result.stderr.includes(join(home.home, 'daemon.sock')), result.stderr);
  assert.equal(server.received(), '');
});

test('an own HIVE_HOME of mode 0755 is fine, and is made 0700', async () => {
  const home = newHome(0o755);
  const result = await home.run(['ls', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(statSync(home.home).mode & 0o777, 0o700);
});

test('a symlink at daemon.log is not written through when the daemon starts', async () => {
  const home = newHome(0o700);
  const victim = join(home.dir, 'victim');
  writeFileSync(victim, 'precious\n', { mode: 0o600 });
  symlinkSync(victim, join(home.home, 'daemon.log'));
  const result = await home.run(['ls']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.ok(result.stderr.includes(join(home.home, 'daemon.log')), result.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});

test('`hive flush` does not truncate the file a symlink at daemon.log points to', async () => {
  const home = newHome(0o700);
  await home.daemonPid();
  await home.json(['ls']);
  assert.ok(await home.daemonPid());
  const victim = join(home.dir, 'victim');
  writeFileSync(victim, 'precious\n', { mode: 0o600 });
  const log = join(home.home, 'daemon.log');
  unlinkSync(log);
  symlinkSync(victim, log);
  const result = await home.run(['flush']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  rmSync(log);
});

test('a HIVE_HOME inside a folder others can write (not sticky) is refused, naming that folder', async () => {
  const home = new HiveHome();
  homes.push(home);
  // The folder above the home, as /tmp/shared made 0777 by someone: they could swap the home for a folder of theirs.
  chmodSync(home.dir, 0o777);
  const result = await home.run(['ls'], { env: secretEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.ok(result.stderr.includes(`is inside ${home.dir}, writable by other users without the sticky bit`));
  assert.match(result.stderr, /mode 0777/);
  // Sticky, as /tmp is, only an entry's owner can move it: fine.
  chmodSync(home.dir, 0o1777);
  const sticky = await home.run(['ls']);
  assert.equal(sticky.code, 0, sticky.stderr);
});

test('a HIVE_HOME inside a folder of another user is refused, naming that folder and its owner', {
  skip: rootOnly,
}, async () => {
  const home = new HiveHome();
  homes.push(home);
  chownSync(home.dir, NOBODY, NOBODY);
  const result = await home.run(['ls'], { env: secretEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.ok(result.stderr.includes(`is inside ${home.dir}, owned by uid ${NOBODY}`), result.stderr);
  // Through a symlink too: the folder it resolves to is checked.
  const link = join(`${home.dir}-link`);
  symlinkSync(home.dir, link);
  const linked = await home.run(['ls'], { env: { HIVE_HOME: join(link, 'h') } });
  unlinkSync(link);
  assert.equal(linked.code, 1, linked.stderr);
  assert.ok(linked.stderr.includes(`owned by uid ${NOBODY}`), linked.stderr);
});

// A folder of one's own that is a symlink into such a folder: the folders above its target count, not only those above
// the link (the link itself never moves, but the target can be swapped under it).
function openFolder(home: HiveHome): string {
  const open = join(home.dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  return realpathSync(open);
}

test('a HIVE_HOME symlinked into a folder others can write is refused, naming that folder', async () => {
  const home = new HiveHome();
  homes.push(home);
  const open = openFolder(home);
  mkdirSync(join(open, 'hive'), { mode: 0o700 });
  symlinkSync(join(open, 'hive'), home.home);
  const result = await home.run(['ls'], { env: secretEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.ok(result.stderr.includes(`(HIVE_HOME) is inside ${open}, writable by other users without the sticky bit`));
  assert.equal(existsSync(join(open, 'hive', 'daemon.sock')), false);
});

test('a logs folder symlinked into a folder others can write is refused when the daemon starts', async () => {
  const home = newHome(0o700);
  const open = openFolder(home);
  mkdirSync(join(open, 'logs'), { mode: 0o700 });
  symlinkSync(join(open, 'logs'), join(home.home, 'logs'));
  const result = await home.run(['ls']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.ok(
    result.stderr.includes(`(the logs folder) is inside ${open}, writable by other users without the sticky bit`),
    result.stderr,
  );
  // Sticky, as /tmp is: fine.
  chmodSync(open, 0o1777);
  const sticky = await home.run(['ls']);
  assert.equal(sticky.code, 0, sticky.stderr);
});
