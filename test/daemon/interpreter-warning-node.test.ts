// A node `interpreter` under cluster mode is ignored, as PM2 ignores it, with a warning naming the Node.js the
// processes run on instead. The CLI named its own (process.version), but they run on the daemon's, which `hive update`
// run under another Node (nvm) makes that one: a Node 20 CLI said "v20.x" of workers on Node 24. The warning now
// names the daemon's Node, from its ping, and this CLI's when no daemon runs yet (the one it starts runs on it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readlinkSync, realpathSync } from 'node:fs';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { appFixture, otherNode, otherNodeSkip, tempHome } from './helpers.js';

const skip = otherNodeSkip;

const hive = tempHome();

// The one warning of the start, and the Node.js version it names.
function namedNode(stderr: string, file: string): string | undefined {
  const prefix = `hive start: ${file}: apps[0] (c).interpreter: "${process.execPath}" is ignored under instances`;
  assert.ok(stderr.startsWith(prefix) && stderr.indexOf('\n') === stderr.length - 1, stderr);
  return /the processes run on the Node\.js that runs [^(]*\((v[^)]+)\)/.exec(stderr)?.[1];
}

// Where the app's worker processes run: the binary of each, as the kernel has it.
async function workerNodes(): Promise<string[]> {
  const app = await hive.json<AppInfo>(['describe', 'c']);
  const workers = app.processes.filter((p) => p.role === 'worker');
  return [...new Set(workers.map((p) => readlinkSync(`/proc/${p.pid}/exe`)))];
}

test('the warning of a node interpreter ignored under cluster mode names the daemon Node', { skip }, async () => {
  const file = hive.writeConfig([{ name: 'c', script: appFixture, instances: 2, interpreter: process.execPath }]);
  // No daemon yet: the one this CLI starts runs on this Node.
  const first = await hive.run(['start', file, '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(namedNode(first.stderr, file), process.version);
  assert.deepEqual(await workerNodes(), [realpathSync(process.execPath)]);
  const updated = await hive.run(['update', '--json'], { node: otherNode });
  assert.equal(updated.code, 0, updated.stderr);
  hive.pids.add((JSON.parse(updated.stdout.trim().split('\n').at(-1)!) as { pid: number }).pid);
  const otherVersion = spawnSync(otherNode, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
  // This CLI's Node is not the daemon's any more: the processes run on the daemon's, and the warning says so.
  const again = await hive.run(['start', file, '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(namedNode(again.stderr, file), otherVersion);
  assert.deepEqual(await workerNodes(), [realpathSync(otherNode)]);
});
