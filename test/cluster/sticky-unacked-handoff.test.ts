import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { blockLoop, fixture, killAll, startStickyByHeader } from './helpers.js';

after(killAll);

interface Answer {
  status: number;
  pid: number;
}

// One request on a connection of its own, keyed by `x-client`. `written` resolves once the whole request is in the
// kernel (on loopback, at the router's end).
function keyed(port: number, key: string): { written: Promise<void>; answer: Promise<Answer> } {
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => {
    wrote = resolve;
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, headers: { 'x-client': key } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pid: (JSON.parse(body) as { pid: number }).pid }));
      res.on('error', reject);
    });
    req.on('finish', () => wrote());
    req.on('error', reject);
  });
  return { written, answer };
}

// The router hands each connection to a process over IPC and used to close its own copy once the descriptor was
// written to the channel: a process killed before it took one (its loop blocked, its channel unread) took that
// connection with it, and the client got a reset. The router now keeps its copy until the process acknowledges it,
// and hands the connections the dead process never took to another one, with the head it read.
test('--sticky header: connections written to a process that dies before taking them are served by another', async () => {
  const { hive, port } = await startStickyByHeader(fixture('blocked-loop.mjs'));

  // Which process each key goes to: the same one for as long as both are up.
  const keys = Array.from({ length: 24 }, (_, i) => `client-${i}`);
  const owners = new Map<string, number>();
  for (const key of keys) owners.set(key, (await keyed(port, key).answer).pid);
  const victim = owners.get('client-0')!;
  const victims = keys.filter((key) => owners.get(key) === victim);
  const other = [...owners.values()].find((pid) => pid !== victim);
  assert.ok(other !== undefined, 'both processes got keys');
  const probeKey = keys.find((key) => owners.get(key) === other)!;

  blockLoop(victim);
  // Written synchronously (stdout is a pipe): once read, the process reads nothing more, its IPC channel included.
  await hive.waitFor((r) => r.kind === 'log' && r.pid === victim && r.line === 'blocking on SIGUSR2', 'blocked');

  const requests = victims.map((key) => keyed(port, key));
  const outcomes = Promise.allSettled(requests.map((r) => r.answer));
  await Promise.all(requests.map((r) => r.written));
  // The router read those heads before this one's (their bytes were there first), and handed each to the blocked
  // process as it read it: one written to its channel, the others queued by node behind its acknowledgement.
  const probe = await keyed(port, probeKey).answer;
  assert.equal(probe.pid, other);

  process.kill(victim, 'SIGKILL');
  const settled = await outcomes;
  const failed = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
  assert.deepEqual(failed, [], 'no client was reset');
  for (const outcome of settled) {
    const { status, pid } = (outcome as PromiseFulfilledResult<Answer>).value;
    assert.equal(status, 200);
    assert.notEqual(pid, victim);
  }
  assert.equal(settled.length, victims.length);
  hive.kill('SIGTERM');
  await hive.exited;
});
