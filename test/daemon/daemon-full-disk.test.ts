// A home on a full disk: the daemon cannot write its pid file, nor why to daemon.log, and the command sent the user to
// an empty daemon.log after a 10 s wait. It now fails at once, saying the disk is full. On a real full filesystem (a
// 64 KiB tmpfs; skipped where this process may not mount one).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempHome } from './helpers.js';

const hive = tempHome();
// Apart from the home's folder, which its cleanup removes: a mount inside would make that fail.
const disk = mkdtempSync(join(tmpdir(), 'hive-full-disk-'));
let skip: string | false = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk], { stdio: 'ignore' });
  after(() => {
    execFileSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  });
} catch {
  rmSync(disk, { recursive: true, force: true });
  skip = 'cannot mount a tmpfs here (not root)';
}

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
