// `hive save` where the dump cannot be written (a directory in its place, a symlink into a folder that is not there)
// said ERR_HIVE_DAEMON_INTERNAL, "a bug", with Node's words for the temporary file, and put a stack in daemon.log. It
// is the user's to fix: ERR_HIVE_DUMP_WRITE names dump.json, what is wrong and what to do.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, eaccesSkip, readOrEmpty, tempHome, unprivileged } from './helpers.js';

const hive = tempHome();
const dump = join(hive.home, 'dump.json');
const again = 'then run `hive save` again (the dump there before, if any, is unchanged)';

test('a save over a directory, or through a symlink into a missing folder, fails with ERR_HIVE_DUMP_WRITE', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  mkdirSync(dump);
  const overDirectory = await hive.run(['save']);
  assert.equal(overDirectory.code, 1, overDirectory.stderr);
  assert.equal(
    overDirectory.stderr,
    `hive save: ERR_HIVE_DUMP_WRITE: cannot write the dump ${dump}: ${dump} is a directory (EISDIR); move that directory away or remove it (rmdir), ${again}\n`,
  );

  rmdirSync(dump);
  const missing = join(hive.dir, 'volume');
  symlinkSync(join(missing, 'apps.json'), dump);
  const throughLink = await hive.run(['save']);
  assert.equal(throughLink.code, 1, throughLink.stderr);
  assert.equal(
    throughLink.stderr,
    `hive save: ERR_HIVE_DUMP_WRITE: cannot write the dump ${dump} (a symlink to ${join(missing, 'apps.json')}): its folder ${missing} does not exist (ENOENT); create it (or mount the volume it is on), ${again}\n`,
  );

  // A line each in daemon.log, no stack; the daemon keeps running, and saves once the folder is there.
  const log = readOrEmpty(join(hive.home, 'daemon.log'));
  assert.equal(log.match(/ a save could not write the dump: cannot write the dump /g)?.length, 2, log);
  assert.doesNotMatch(log, /^\s+at /m);
  assert.doesNotMatch(log, /save failed/);
  mkdirSync(missing);
  assert.deepEqual((await hive.json<{ apps: string[] }>(['save'])).apps, ['tick']);
});

// `hive update` copied dump.json aside before the save, and a directory there failed it with Node's raw words
// (`EISDIR: illegal operation on a directory, copyfile '.../dump.json' -> '.../dump.json.before-update'`).
test('hive update with a directory at dump.json fails as hive save does, ERR_HIVE_DUMP_WRITE, nothing stopped', async () => {
  rmSync(dump, { force: true });
  if (!(await hive.json<{ name: string }[]>(['ls'])).some((app) => app.name === 'tick')) {
    await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  }
  const daemon = await hive.daemonPid();
  mkdirSync(dump);
  const updated = await hive.run(['update']);
  assert.equal(updated.code, 1, updated.stderr);
  assert.equal(
    updated.stderr,
    `hive update: ERR_HIVE_DUMP_WRITE: cannot write the dump ${dump}: ${dump} is a directory (EISDIR); move that directory away or remove it (rmdir), then run \`hive update\` again (the dump there before, if any, is unchanged; the daemon (pid ${daemon}) and its apps are left running)\n`,
  );
  assert.equal(await hive.daemonPid(), daemon);
  assert.deepEqual(
    (await hive.json<{ name: string; status: string }[]>(['ls'])).map((app) => [app.name, app.status]),
    [['tick', 'online']],
  );
  assert.equal(existsSync(`${dump}.before-update`), false);
  rmdirSync(dump);
});

// `hive update` copies dump.json aside before its save, and a dump.json it could not read stopped it with Node's raw
// words and no code (`hive update: EACCES: permission denied, open '.../dump.json'`).
test('hive update with a dump.json it cannot read (EACCES) fails with ERR_HIVE_DUMP_READ, nothing stopped', {
  skip: eaccesSkip(),
}, async () => {
  rmSync(dump, { recursive: true, force: true });
  if (!(await hive.json<{ name: string }[]>(['ls'])).some((app) => app.name === 'tick')) {
    await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  }
  await hive.json(['save']);
  const saved = readFileSync(dump, 'utf8');
  const daemon = await hive.daemonPid();
  chmodSync(dump, 0o000);
  try {
    const updated = unprivileged(hive, ['update']);
    assert.equal(updated.status, 1, updated.stderr);
    assert.equal(
      updated.stderr,
      `hive update: ERR_HIVE_DUMP_READ: cannot read the dump ${dump}: permission denied (EACCES); let your user read it, then run \`hive update\` again (the dump is unchanged; the daemon (pid ${daemon}) and its apps are left running)\n`,
    );
  } finally {
    chmodSync(dump, 0o600);
  }
  assert.equal(await hive.daemonPid(), daemon);
  assert.deepEqual(
    (await hive.json<{ name: string; status: string }[]>(['ls'])).map((app) => [app.name, app.status]),
    [['tick', 'online']],
  );
  assert.equal(readFileSync(dump, 'utf8'), saved);
  assert.equal(existsSync(`${dump}.before-update`), false);
});
