import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { fixture, killAll, startStickyByHeader } from './helpers.js';

after(killAll);

// One request on a connection of its own, keyed by `x-client`: the status and body, or the error that ended it.
function keyed(port: number, key: string, path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { 'x-client': key } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) => resolve({ error: error.message }));
  });
}

// The router keeps its copy of a connection until the process acknowledges it (sticky-taken), and hands the
// unacknowledged ones to another process when that one exits. A process that acknowledged a connection, read its
// request and died at once must not have it handed out again: the acknowledgement, written to the channel before the
// process read anything, is read by the primary before it handles the exit (libuv runs the SIGCHLD watcher after the
// channel's reads of the same poll, and the exit is reported one setImmediate later). Handed out again, the other
// process would get the same head, and run the request a second time (here: die too, and log it twice).
test('--sticky header: a process that dies on a connection it took does not have it served again elsewhere', async () => {
  const { hive, port } = await startStickyByHeader(fixture('die-on-request.mjs'));

  const rounds = 3;
  for (let n = 0; n < rounds; n++) {
    const before = [...hive.readyPids().values()];
    const outcome = await keyed(port, `client-${n}`, `/die?n=${n}`);
    assert.ok('error' in outcome, `the request that killed its process got no answer: ${JSON.stringify(outcome)}`);
    // Its process died and was replaced: both slots ready again, neither by a pid from before that died.
    await hive.waitFor(
      () => {
        const pids = [...hive.readyPids().values()];
        return pids.length === 2 && pids.some((pid) => !before.includes(pid));
      },
      `a replacement after round ${n}`,
      60_000,
    );
    // The same client, on a new connection, is served.
    const again = await keyed(port, `client-${n}`, '/');
    assert.ok('status' in again && again.status === 200, `served again: ${JSON.stringify(again)}`);
  }

  hive.kill('SIGTERM');
  await hive.exited;
  // Every `die N` request ran exactly once, in one process.
  const dies = hive.records.filter((r) => r.kind === 'log' && typeof r.line === 'string' && r.line.startsWith('die '));
  const counts = new Map<string, number>();
  for (const r of dies) counts.set(r.line as string, (counts.get(r.line as string) ?? 0) + 1);
  assert.deepEqual(
    [...counts].sort(),
    Array.from({ length: rounds }, (_, n) => [`die ${n}`, 1]),
  );
});
