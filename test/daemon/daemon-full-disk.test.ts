// A home on a full disk: the daemon cannot write its pid file, nor why to daemon.log, and the command sent the user to
// an empty daemon.log after a 10 s wait. It now fails at once, saying the disk is full. On a real full filesystem (a
// 64 KiB tmpfs; skipped where this process may not mount one).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from './helpers.js';
import { tmpfsDisk } from './tmpfs-disk.js';

const hive = tempHome();
const { disk, skip } = tmpfsDisk('hive-full-disk-', 'size=64k');

test('a daemon that cannot start on a full disk is said so at once', { skip }, async () => {
  const home = join(disk, 'home');
  mkdirSync(home);
  try {
    writeFileSync(join(disk, 'fill'), Buffer.alloc(1 << 20));
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  const listed = await hive.run(['ls'], { env: { HIVE_HOME: home } });
  assert.equal(listed.code, 1);
  assert.match(
    listed.stderr,
    /ERR_HIVE_DAEMON_UNREACHABLE: the daemon exited at its start \(code 1\) 3 times; see .*daemon\.log \(empty: the disk of .* is full\)/,
  );
});
