// `hive monit` in a terminal that goes away (an SSH session dropped): Node 20 aborted at its exit, resetting the modes
// of a terminal that is gone (SIGABRT, or SIGSEGV as it printed why: nodejs/node#51519), a crash and a core dump for
// every dropped session. The view now ends as a program whose terminal hung up does: by SIGHUP. Run in a real
// pseudo-terminal (python3's pty module; skipped without python3).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const python = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' });
const skip = python.status === 0 ? false : 'no python3 with its pty module';
const script = fileURLToPath(new URL('../fixtures/cli/pty-hangup.py', import.meta.url));
const hive = fileURLToPath(new URL('../../dist/cli/hive.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'hive-monit-hup-'));
after(() => rmSync(home, { recursive: true, force: true }));

test('hive monit whose terminal closes ends by SIGHUP, not by a crash', { skip }, () => {
  // No daemon: the view says so and keeps checking, which is all this needs.
  const result = spawnSync('python3', [script, process.execPath, hive, 'monit'], {
    encoding: 'utf8',
    env: { ...process.env, HIVE_HOME: home, TERM: 'xterm-256color' },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'signal 1');
});
