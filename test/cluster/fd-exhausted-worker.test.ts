// A worker with no file descriptor left (EMFILE: its own leak, a low `ulimit -n`) crashed within a report interval:
// the runtime's metrics timer called process.memoryUsage(), which opens /proc/self/stat for the RSS, and its throw
// went uncaught. The app itself would have served on (plain `node` under the same limit does). The report now goes
// with the heap figures and the last RSS read, and the worker lives through it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { request } from 'undici';
import { fixture, freePort, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

async function status(port: number, path: string): Promise<number> {
  const { statusCode, body } = await request(`http://127.0.0.1:${port}${path}`, { reset: true });
  await body.dump();
  return statusCode;
}

test('a worker out of file descriptors is not crashed by the runtime reading its memory', async () => {
  const port = await freePort();
  const hive = startHive([
    fixture('fd-exhausted.cjs'),
    '--name',
    'fds',
    '-i',
    '1',
    '--port',
    String(port),
    '--memory-report-interval',
    '100ms',
  ]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const worker = hive.readyPids().get(0)!;
  // Low enough to run out of at once, on this worker only.
  execFileSync('prlimit', ['--pid', String(worker), '--nofile=256:256']);
  assert.equal(await status(port, '/exhaust'), 200);
  await hive.waitFor((r) => r.kind === 'log' && /^holding \d+ descriptors: EMFILE$/.test(String(r.line)), 'EMFILE');
  await hive.waitFor((r) => r.kind === 'log' && r.line === 'still alive', 'the worker to live through it');
  assert.deepEqual(hive.records.filter(isEvent('exit')), [], 'the worker exited');
  assert.equal(hive.readyPids().get(0), worker);
  assert.equal(await status(port, '/'), 200);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
