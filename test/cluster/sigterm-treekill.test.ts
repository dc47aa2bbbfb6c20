import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
// isAlive: a SIGKILLed orphan not yet reaped (a zombie) is gone.
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { isEvent, killAll, startHive, until } from './helpers.js';

// A process that leaves on a SIGTERM sent to it from outside (`kill <pid>`, earlyoom) drains as a retirement does:
// what it started goes with it, as at a retirement the primary asked for (treekill).
const dir = mkdtempSync(join(tmpdir(), 'sigterm-tk-'));
const file = join(dir, 'children');
const children = () => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
after(async () => {
  for (const pid of children()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
  await killAll();
});

const app = new URL('../fixtures/daemon/spawns-sleep.js', import.meta.url).pathname;

test('a process that leaves on a SIGTERM from outside has what it started stopped after its exit', async () => {
  const hive = startHive([app, '-i', '2', '--min-uptime', '100ms'], { CHILD_PIDS: file });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  await until(() => children().length === 2, 'the children of both processes');
  const [pid] = [...hive.readyPids().values()];
  // The child a process started is the one it wrote: the first line is not necessarily instance 0's.
  const child = children().find((each) => readFileSync(`/proc/${each}/stat`, 'utf8').split(' ')[3] === String(pid))!;
  // Past --min-uptime since it was ready: before that, a SIGTERM is a crash for the restart rules.
  await delay(300);
  process.kill(pid!, 'SIGTERM');
  await hive.waitFor(isEvent('exit', { pid }), 'the exit of the process sent SIGTERM', 30_000);
  assert.equal(hive.records.find(isEvent('exit', { pid }))!.retiredBy, 'SIGTERM', 'it drained on its SIGTERM');
  // Its replacement starts a child of its own; the tree of the one that left is signalled right after its exit.
  await until(() => children().length === 3, 'the child of the replacement');
  await until(() => !isAlive(child), `the child ${child} of the process that left to be gone`, 10_000);
  const others = children().filter((each) => each !== child);
  assert.ok(others.every(isAlive), 'the other processes keep their children');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
