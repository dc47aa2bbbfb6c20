// bench/lib/callgrind.js against real valgrind: a manager process that forks a server, counted per request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { callgrindMissing, instructionsPerRequest } from '../../bench/lib/callgrind.js';
import { freePort } from '../../dist/cli/bench/free-port.js';

// Per request, the working server runs this many loop iterations more than the plain one: at least one instruction
// each, whatever the JIT makes of the loop. A million, so that the loop's count stands far above what one server's
// JIT and GC may add to a request on their own (a background compile in the counted phase: once, in ci-local, the
// plain server's requests counted 57k instructions more than the 100k-turn working one's).
const ITERATIONS = 1_000_000;
// Under valgrind each request costs about 0.2 s whatever the server does (the two valgrind startups are most of the
// rest of the test's time). 25 warm and 25 counted leave the loop's count per request far above ITERATIONS (6.8M
// against the plain server's 2k with 50 of each): a background compile like the 57k above, spread over half as many
// requests, still adds less than a tenth of that margin.
const REQUESTS = 25;

// The root idles (a manager); its child serves, looping WORK times per request.
const server = `const work = Number(process.env.WORK);
  require('http').createServer((q, s) => { let x = 0; for (let i = 0; i < work; i++) x += i; s.end(String(x)); })
    .listen(Number(process.env.PORT), '127.0.0.1');`;
const manager = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(server)}], { stdio: 'inherit' });
  process.on('SIGTERM', () => { c.kill(); process.exit(0); });`;

async function count(work: number) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const send = async (n: number) => {
    for (let i = 0; i < n; i++) await (await request(url)).body.text();
  };
  return instructionsPerRequest({
    command: process.execPath,
    args: ['-e', manager],
    env: { ...process.env, PORT: String(port), WORK: String(work) },
    ready: async () => {
      try {
        await send(1);
        return true;
      } catch {
        return false;
      }
    },
    warm: () => send(REQUESTS),
    load: () => send(REQUESTS),
    requests: REQUESTS,
    idleMs: 1000,
  });
}

test('instructionsPerRequest counts the serving child apart from its manager, per request', async (t) => {
  const missing = await callgrindMissing();
  if (missing !== undefined) {
    // .ci/run installs valgrind: only a machine without it skips.
    t.skip(missing);
    return;
  }
  const plain = await count(0);
  const working = await count(ITERATIONS);
  assert.equal(plain.children.length, 1);
  assert.equal(working.children.length, 1);
  const [plainServer = 0] = plain.children;
  const [workingServer = 0] = working.children;
  assert.ok(plainServer > 0, `plain server: ${plainServer} instructions per request`);
  const extra = workingServer - plainServer;
  t.diagnostic(`plain server ${plainServer}, working server ${workingServer} instructions per request`);
  assert.ok(extra > ITERATIONS, `the loop added ${extra} instructions per request, fewer than its ${ITERATIONS} turns`);
  // The manager does nothing per request: its count stays far below the server's.
  assert.ok(working.root < extra / 10, `manager ${working.root} vs server extra ${extra}`);
  assert.equal(working.total, working.root + workingServer);
});
