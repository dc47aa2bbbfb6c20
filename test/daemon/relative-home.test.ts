// A relative HIVE_HOME names a folder under the command's working directory, for the daemon too: the daemon runs in
// its home, so it used to resolve the same relative path again from there (rel/rel), and the command waited for a
// socket that never came.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { hiveBin, isAlive, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hr-'));
const pids = new Set<number>();
after(async () => {
  await run(['kill']).catch(() => {});
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const child = spawn(process.execPath, [hiveBin, ...args], {
    cwd: dir,
    env: { ...process.env, HIVE_HOME: 'rel' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return outputOf(child, 60_000);
}

test('a relative HIVE_HOME: the daemon serves the home the command resolved', async () => {
  const ls = await run(['ls', '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(JSON.parse(ls.stdout), []);
  assert.ok(existsSync(join(dir, 'rel', 'daemon.sock')), 'the socket is in <cwd>/rel');
  assert.ok(!existsSync(join(dir, 'rel', 'rel')), 'no home inside the home');
  const version = JSON.parse((await run(['version', '--json'])).stdout) as { daemonPid: number };
  pids.add(version.daemonPid);
  const killed = await run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  await waitFor(() => !isAlive(version.daemonPid), 'the daemon to exit');
});
