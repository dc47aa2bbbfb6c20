import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, freePort, runHive } from './helpers.js';

// An app that serves on its port, but not with a TCP server of its main thread: the not-ready error says why its
// serving did not count and what to do, not only that a server on another port does not.
const hint =
  /only a TCP server of the process's main thread counts, not a dgram socket nor a server in a worker thread: an app that serves so calls ready\(\) of hive\/runtime \(or process\.send\('ready'\)\) with --wait-ready/;

for (const [what, app] of [
  ['a UDP app bound on its port', 'udp-app.cjs'],
  ['an app whose HTTP server listens from a worker thread', 'thread-server-app.cjs'],
] as const) {
  test(`${what}: the not-ready error says only a main-thread TCP server counts, and the way out`, async () => {
    const port = await freePort();
    const args = ['run', fixture(app), '-i', '1', '--port', String(port), '--listen-timeout', '2s'];
    const { code, stderr } = await runHive(args);
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`ERR_HIVE_WORKER_NOT_READY: .*did not listen on port ${port} within 2000 ms`));
    assert.match(stderr, hint);
    assert.match(stderr, /--wait-ready, or runs in fork mode/);
  });
}

test('an app with no known port that never listens: the hint says the same', async () => {
  const { code, stderr } = await runHive(['run', fixture('udp-app.cjs'), '-i', '1', '--listen-timeout', '2s'], {
    PORT: String(await freePort()),
  });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /cluster mode waits for a server, and only a TCP server/);
  assert.match(stderr, hint);
});
