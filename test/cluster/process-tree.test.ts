import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { isAlive, startTimeOf } from '../../dist/cluster/proc-stat.js';
import { isSameProcess, ProcessTree } from '../../dist/cluster/process-tree.js';
import { poll } from '../poll.js';

// Every process a test starts, and every descendant it reports: SIGKILLed after the tests, whatever their outcome.
const started: ChildProcess[] = [];
const seen = new Set<number>();
after(() => {
  for (const pid of [...seen, ...started.map((child) => child.pid ?? 0)]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

// A shell that starts `sleep`s in the background and prints their pids: a root with children to find.
function shellWith(script: string): { root: ChildProcess; pids: Promise<number[]> } {
  const root = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(root);
  let out = '';
  root.stdout!.on('data', (chunk) => (out += chunk));
  const pids = poll(() => {
    const lines = out.split('\n').filter(Boolean).map(Number);
    for (const pid of lines) seen.add(pid);
    return lines.length === 2 ? lines : undefined;
  }, 'the background pids');
  return { root, pids };
}

test('isSameProcess: a pid is the process only with its start time (a reused pid is not)', async () => {
  const child = spawn('sleep', ['987'], { stdio: 'ignore' });
  started.push(child);
  const pid = child.pid!;
  const start = await poll(() => startTimeOf(pid), 'the start time of sleep');
  assert.equal(isSameProcess(pid, start), true);
  // Another start time: what a pid given to a new process after the tracked one exited shows.
  assert.equal(isSameProcess(pid, String(Number(start) + 1)), false);
  child.kill('SIGKILL');
  await poll(() => !isAlive(pid), 'sleep to exit');
  assert.equal(isSameProcess(pid, start), false);
});

test('ProcessTree: the descendants outlive their root, then get SIGTERM and are gone', async () => {
  const { root, pids } = shellWith('sleep 987 & echo $!; sh -c "sleep 988 & echo \\$!; wait" & wait');
  const [child, grandchild] = await pids;
  const tree = new ProcessTree(root.pid!);
  await poll(() => tree.alive().length >= 3, 'the tree of the shell');
  root.kill('SIGKILL');
  await poll(() => !isAlive(root.pid!), 'the root to exit');
  assert.ok(isAlive(child!) && isAlive(grandchild!), 'the orphans run on');
  await tree.finish('SIGTERM', 60_000);
  assert.deepEqual(tree.alive(), []);
  assert.ok(!isAlive(child!) && !isAlive(grandchild!));
});

test('ProcessTree: a descendant that ignores SIGTERM is SIGKILLed after killAfter', async () => {
  const { root, pids } = shellWith(`sh -c 'trap "" TERM; echo $$; sleep 987' & sleep 989 & echo $!; wait`);
  const [deaf, plain] = await pids;
  const tree = new ProcessTree(root.pid!);
  await poll(() => tree.alive().includes(deaf!), 'the tree of the shell');
  root.kill('SIGKILL');
  await poll(() => !isAlive(root.pid!), 'the root to exit');
  await tree.finish('SIGTERM', 100);
  assert.ok(!isAlive(deaf!), 'the process ignoring SIGTERM is gone');
  assert.ok(!isAlive(plain!));
});

test('ProcessTree: nothing is signalled for a root that is not running', async () => {
  const tree = new ProcessTree(2 ** 22 + 1);
  assert.deepEqual(tree.alive(), []);
  await tree.finish('SIGTERM', 0);
});
