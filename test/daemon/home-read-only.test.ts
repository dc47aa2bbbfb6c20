// A HIVE_HOME on a read-only disk (a volume remounted read-only after an error, a read-only root in a container): the
// commands that start a daemon said `EROFS: read-only file system, chmod '<home>'` (a chmod of a home already 0700),
// or, for a home not made yet, `ENOENT: ..., mkdir '<home>/logs'`, which hid the cause. They now say that the home
// cannot be written, and why. On a real read-only tmpfs (skipped where this process may not mount one).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { appFixture, tempHome } from './helpers.js';
import { tmpfsDisk } from './tmpfs-disk.js';

const { disk, skip } = tmpfsDisk('hive-ro-', 'size=4m,mode=0755');

test('a saved home remounted read-only, and a new home on a read-only disk, are said to be unwritable', {
  skip,
}, async (t: TestContext) => {
  const hive = tempHome();
  const home = join(disk, 'h');
  const env = { HIVE_HOME: home };
  // Before the disk's unmount: a daemon left running on it would keep it busy.
  t.after(() => hive.run(['kill', '--force'], { env }));
  // A home as a day's use leaves it: made by the daemon (0700), an app saved, the daemon gone.
  const started = await hive.run(['start', appFixture, '--name', 'api', '-i', '1'], { env });
  assert.equal(started.code, 0, started.stderr);
  const saved = await hive.run(['save'], { env });
  assert.equal(saved.code, 0, saved.stderr);
  const killed = await hive.run(['kill'], { env });
  assert.equal(killed.code, 0, killed.stderr);
  execFileSync('mount', ['-o', 'remount,ro', disk]);

  for (const args of [['start', appFixture], ['resurrect'], ['ls']]) {
    const result = await hive.run(args, { env });
    assert.equal(result.code, 1, `hive ${args[0]}: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `hive ${args[0]}: ERR_HIVE_HOME_NOT_WRITABLE: HIVE_HOME ${home} cannot be written: it is on a read-only file system (EROFS); remount it read-write, or point HIVE_HOME at a folder you can write\n`,
    );
  }

  // Not made yet: the mkdir of its logs folder failed with ENOENT, as Node's recursive mkdir reports it there.
  const fresh = join(disk, 'new');
  const listed = await hive.run(['ls'], { env: { HIVE_HOME: fresh } });
  assert.equal(listed.code, 1, listed.stderr);
  assert.equal(
    listed.stderr,
    `hive ls: ERR_HIVE_HOME_NOT_WRITABLE: HIVE_HOME ${fresh} cannot be written: ${disk}, where it would be made, is on a read-only file system (EROFS); remount it read-write, or point HIVE_HOME at a folder you can write\n`,
  );
});
