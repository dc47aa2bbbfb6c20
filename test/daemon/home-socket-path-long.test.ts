// A HIVE_HOME so long that its daemon.sock is past the Unix socket path limit (107 bytes on Linux): three daemons
// were spawned, each crashed on `listen EINVAL` (stacks in daemon.log), and the command said after 2 s that the
// daemon exited at its start 3 times. It is now refused before any daemon is spawned (or the home made), naming the
// path, its length and the limit; a daemon started on such a home refuses to start with the same error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, tempHome } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-long-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const home = join(dir, 'a'.repeat(120));
const socket = join(home, 'daemon.sock');
const bytes = Buffer.byteLength(socket);
const message = `the daemon's socket ${socket} would be ${bytes} bytes long, over the 107 bytes a Unix socket path may have; point HIVE_HOME at a path of at most 95 bytes`;

test('a command that would start a daemon on a home whose socket path is too long is refused at once', async () => {
  const hive = tempHome();
  after(() => hive.cleanup());
  for (const args of [['ls'], ['start', appFixture]]) {
    const result = await hive.run(args, { env: { HIVE_HOME: home } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, `hive ${args[0]}: ERR_HIVE_DAEMON_SOCKET_PATH: ${message}\n`);
  }
  assert.equal(existsSync(home), false, 'no home made, no daemon spawned');
});

test('a daemon started on such a home refuses to start, with the same error', () => {
  const main = new URL('../../dist/daemon/main.js', import.meta.url).pathname;
  const daemon = spawnSync(process.execPath, [main], { env: { ...process.env, HIVE_HOME: home }, encoding: 'utf8' });
  // The refusal line the starting command reads back from daemon.log (daemon-refusal.ts), and no stack.
  assert.equal(
    daemon.stderr,
    `hive daemon: refused to start: ${JSON.stringify({ code: 'ERR_HIVE_DAEMON_SOCKET_PATH', message })}\n`,
  );
  assert.equal(daemon.status, 78);
  assert.equal(existsSync(home), false, 'no home made');
});
