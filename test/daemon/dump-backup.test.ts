// PM2 keeps the dump a save replaces as dump.pm2.bak, and its resurrect reads that one when dump.pm2 cannot be read.
// Hive kept no backup: one dump.json damaged (a disk full at boot, an edit gone wrong) and resurrect brought nothing
// back. Each save now keeps the dump it replaces, when that one reads back, as dump.json.bak; resurrect reads it when
// dump.json cannot be read, and says so naming both files.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();
const dump = join(hive.home, 'dump.json');
const backup = `${dump}.bak`;
const names = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')) as { apps: { name: string }[] }).apps.map((app) => app.name);

test('a resurrect of a damaged dump.json brings back the apps of dump.json.bak, and says so on stderr', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  tickDump = readFileSync(dump, 'utf8');
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tock']);
  await hive.json(['save']);
  assert.deepEqual(names(backup), ['tick'], 'the backup holds the dump the second save replaced');
  assert.deepEqual(names(dump), ['tick', 'tock']);
  await hive.run(['kill']);
  writeFileSync(dump, '{"version":1,"apps":[');
  const result = await hive.run(['resurrect', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const apps = JSON.parse(result.stdout) as AppInfo[];
  assert.deepEqual(
    apps.map((app) => [app.name, app.resurrected]),
    [['tick', true]],
  );
  assert.match(result.stderr, /^hive resurrect: warning: .*dump\.json is not a dump it can read: not JSON \(/m);
  assert.ok(
    result.stderr.includes(`${dump} is not a dump it can read`) &&
      result.stderr.includes(`resurrecting ${backup}, the dump before the last save, instead`),
    result.stderr,
  );
  const log = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  assert.ok(log.includes(`a resurrect reads the backup: ${dump} is not a dump`), log);
});

test('a save over a dump that does not read back keeps the backup it has', async () => {
  // The daemon runs `tick` (from the backup); dump.json is still the damaged one.
  const before = readFileSync(backup, 'utf8');
  await hive.json(['save']);
  assert.equal(readFileSync(backup, 'utf8'), before, 'the damaged dump did not replace the good backup');
  assert.deepEqual(names(dump), ['tick']);
  assert.equal(statSync(backup).mode & 0o777, 0o600);
  await hive.run(['kill']);
});

test('dump.json and its backup both unreadable: ERR_HIVE_DUMP_INVALID naming both', async () => {
  writeFileSync(dump, 'null');
  writeFileSync(backup, '');
  const result = await hive.run(['resurrect']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_DUMP_INVALID: .*dump\.json is not a dump `hive resurrect` can read: /);
  assert.ok(
    result.stderr.includes(`nor is its backup ${backup} (the dump before the last save): not JSON (`),
    result.stderr,
  );
  await hive.run(['kill']);
});

test('a dump.json that cannot be read as a file (a folder in its place) is read from the backup too', async () => {
  await resurrectsFromBackup(() => mkdirSync(dump), /dump\.json is not a dump it can read: cannot be read \(EISDIR/);
});

test('a removed dump.json is not brought back from the backup: removing it forgets the saved apps', async () => {
  rmSync(dump, { force: true });
  assert.deepEqual(names(backup), ['tick'], 'a backup with an app is there');
  const result = await hive.run(['resurrect']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /nothing to resurrect: .*dump\.json does not exist/);
  assert.deepEqual(await hive.json(['ls']), []);
  await hive.run(['kill']);
});

// A dump.json symlinked to a volume not mounted yet (at boot) read as a removed one: nothing resurrected, silently.
test('a dump.json symlink whose target is missing is read from the backup, not taken for a removed dump', async () => {
  await resurrectsFromBackup(
    () => symlinkSync(join(hive.home, 'unmounted', 'dump.json'), dump),
    /dump\.json is not a dump it can read: cannot be read \(ENOENT/,
  );
});

// The text of a dump a save wrote of `tick` alone (the first test's first save keeps it; otherwise the first use saves
// it): the same bytes as dump.json and as its backup make a boot after `tick` was saved twice, without a daemon started,
// saved twice and killed for each test that needs one.
let tickDump: string | undefined;

// One app saved twice (so that the backup holds it too), the daemon killed (each test before ends with a kill): what
// a boot finds.
async function savedTwiceThenKilled(): Promise<void> {
  if (tickDump === undefined) {
    await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
    await hive.json(['save']);
    await hive.json(['save']);
    await hive.run(['kill']);
    tickDump = readFileSync(dump, 'utf8');
    assert.equal(readFileSync(backup, 'utf8'), tickDump);
    return;
  }
  rmSync(dump, { recursive: true, force: true });
  writeFileSync(dump, tickDump, { mode: 0o600 });
  writeFileSync(backup, tickDump, { mode: 0o600 });
}

// A boot whose dump.json `unreadable` puts something unreadable in place of: the backup's app comes back, and stderr
// says why.
async function resurrectsFromBackup(unreadable: () => void, reason: RegExp): Promise<void> {
  await savedTwiceThenKilled();
  rmSync(dump);
  unreadable();
  try {
    const result = await hive.run(['resurrect', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      (JSON.parse(result.stdout) as AppInfo[]).map((app) => app.name),
      ['tick'],
    );
    assert.match(result.stderr, reason);
  } finally {
    rmSync(dump, { recursive: true });
  }
  await hive.run(['kill']);
}

// After a resurrect read the backup, what it said next named dump.json, the file it had not read: "every app saved in
// dump.json is in the daemon already", "dump.json holds no app" (of a dump.json that holds apps but does not read).
test('a resurrect that read the backup names the backup in what it says after', async () => {
  await savedTwiceThenKilled();
  writeFileSync(dump, 'null');
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  const had = await hive.run(['resurrect']);
  assert.equal(had.code, 0, had.stderr);
  assert.ok(
    had.stdout.includes(`nothing to resurrect: every app saved in ${backup} is in the daemon already\n`),
    had.stdout,
  );
  // This daemon, with no app, for the next part: a kill and a new daemon booted for the save would prove no more.
  await hive.json(['delete', 'tick']);

  // A backup of no app: the dump a `save --force` of none wrote, replaced by a save of one.
  rmSync(dump);
  await hive.json(['save', '--force']);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  await hive.run(['kill']);
  assert.deepEqual(names(backup), []);
  writeFileSync(dump, 'null');
  const none = await hive.run(['resurrect']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, `nothing to resurrect: ${backup} holds no app\n`);
  await hive.run(['kill']);
  rmSync(dump);
});

/**
 * Runs `save` (the command that saves) with tick saved in the dump, tock started since, and a folder in the backup's
 * place: the rename of the written backup over it fails (as root too, unlike a mode). The daemon is killed after.
 */
async function withBackupBlocked(save: () => Promise<void>): Promise<void> {
  // No daemon runs: each test before ends with a kill.
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  rmSync(backup, { force: true });
  mkdirSync(backup);
  try {
    await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tock']);
    await save();
    assert.deepEqual(names(dump), ['tick', 'tock']);
  } finally {
    rmSync(backup, { recursive: true });
  }
  await hive.run(['kill']);
}

// A save whose backup could not be written said so in daemon.log only: the user learnt it when a resurrect needed it.
test('a save that cannot keep the backup says so on stderr, naming it and why, and still saves (exit 0)', async () => {
  await withBackupBlocked(async () => {
    const saved = await hive.run(['save']);
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(saved.stdout, `saved 2 app(s) to ${dump}\n`);
    assert.match(saved.stderr, /^hive save: warning: could not keep the previous dump as .*dump\.json\.bak: EISDIR/);
    assert.ok(saved.stderr.includes(`could not keep the previous dump as ${backup}: `), saved.stderr);
  });
});

// `hive update` saves too (then restarts the daemon and resurrects): its backup warning reached daemon.log only.
test('hive update that cannot keep the backup says so on stderr as save does, and still updates (exit 0)', async () => {
  await withBackupBlocked(async () => {
    const updated = await hive.run(['update', '--json']);
    assert.equal(updated.code, 0, updated.stderr);
    const result = JSON.parse(updated.stdout) as { updated: boolean; saved: string[]; apps: AppInfo[] };
    assert.equal(result.updated, true);
    assert.deepEqual(result.saved, ['tick', 'tock']);
    assert.deepEqual(
      result.apps.map((app) => [app.name, app.resurrected]),
      [
        ['tick', true],
        ['tock', true],
      ],
    );
    assert.match(
      updated.stderr,
      /^hive update: warning: could not keep the previous dump as .*dump\.json\.bak: EISDIR/m,
    );
    assert.ok(updated.stderr.includes(`could not keep the previous dump as ${backup}: `), updated.stderr);
  });
});
