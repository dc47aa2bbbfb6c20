// A primary forked with an IPC channel (the daemon's way) whose parent is gone before it has set itself up: the
// channel's 'disconnect' came before anyone listened, and it lived on for good, serving with no daemon (a daemon
// SIGKILLed, or one ending, in the half second after it forked a primary).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { forkRestartPolicy } from '../../dist/daemon/fork-restart-policy.js';
import { fixture, freePort, hiveBin, until } from '../cluster/helpers.js';
import { daemonFixture } from '../daemon/helpers.js';
import { processesWithEnv } from '../daemon/home-processes.js';

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;

const mark = `HIVE_TEST_PARENT_GONE=${randomUUID()}`;

// Every live process with the mark in its environment: the run and the workers it forked.
const marked = () => processesWithEnv(mark);

after(() => {
  for (const pid of marked()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

// Forks `module` with `args` from a parent that exits at once, so that the child is still loading when its channel
// closes; the mark in its environment (and its children's) finds what it started.
function forkFromLeavingParent(module: string, args: string[]): void {
  const [name, value] = mark.split('=') as [string, string];
  const parent = `
    const { fork } = require('node:child_process');
    fork(${JSON.stringify(module)}, ${JSON.stringify(args)}, {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      detached: true,
      env: { ...process.env, ${name}: ${JSON.stringify(value)} },
    });
    process.exit(0);`;
  const result = spawnSync(process.execPath, ['-e', parent], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

test('hive run whose IPC parent exited before it listened for that stops by itself', async () => {
  const port = await freePort();
  forkFromLeavingParent(hiveBin, ['run', fixture('app.js'), '-i', '1', '--port', String(port)]);
  await until(() => marked().length === 0, 'the run and its processes to exit', 30_000);
});

test('a fork-mode primary whose daemon exited before it listened for that stops its processes', async () => {
  const options = {
    name: 'tick',
    command: daemonFixture('ticker.sh'),
    args: [],
    instances: '1',
    autorestart: true,
    killTimeout: 5_000,
    restart: forkRestartPolicy([]),
  };
  forkFromLeavingParent(forkPrimary, [JSON.stringify(options)]);
  await until(() => marked().length === 0, 'the primary and its processes to exit', 30_000);
});
