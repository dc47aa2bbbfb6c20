// A worker out of file descriptors (a low `ulimit -n`) cannot receive a connection passed to it: its channel answers
// node's NODE_HANDLE_NACK and the connection's handoff message is never read. Node's balancer waits for the worker's
// answer to that handoff before it hands the worker anything again, so it never did: once the worker's descriptors
// were free again, every new connection still queued in the primary, unserved, for good (and the sticky router kept
// its copy of such a connection, unanswered). The primary now answers for the worker once the channel has given the
// handle up, and the worker stays in rotation.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../ports.js';
import { isEvent, killAll, startHive, tempApp } from './helpers.js';

after(killAll);

// The worker's limit (`ulimit -n`), and more kept-alive clients than it can hold. Only the worker's: with the primary
// under the same limit, it could run out first (holding the connections queued for the worker), and refuse them.
const NOFILE = 64;
const CLIENTS = 160;
// A hang detector, not a timing threshold: an answer that has not come by then is not coming.
const HANG = 10_000;

const { app } = tempApp(
  'hive-handoff-nack-',
  `import { createServer } from 'node:http';
createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT));
`,
);

// Opens a kept-alive connection and sends one request on it; resolves once it is answered, or ended by the server.
function client(port: number, sockets: Socket[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.on('data', () => resolve());
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  });
}

// The descriptors a process has open now.
function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

// A whole request on a fresh connection: its answer's body, or a failure after HANG.
async function answered(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    headers: { connection: 'close' },
    signal: AbortSignal.timeout(HANG),
  });
  return response.text();
}

for (const sticky of [[], ['--sticky', 'ip']]) {
  test(`a worker that ran out of descriptors takes new connections again${sticky.length ? ' (--sticky ip)' : ''}`, async () => {
    const port = await freePort();
    const hive = startHive([app, '-i', '1', '--port', String(port), ...sticky]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const pid = hive.readyPids().get(0) as number;
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${NOFILE}:${NOFILE}`]);
    assert.equal(await answered(port), 'ok');
    const before = openDescriptors(pid);
    const sockets: Socket[] = [];
    // Each one answered, refused or reset: none left waiting (before, those past the worker's limit waited for good).
    const settled = Promise.all(Array.from({ length: CLIENTS }, () => client(port, sockets)));
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('hung'), HANG).unref());
    const outcome = await Promise.race([settled.then(() => 'settled'), hung]);
    for (const socket of sockets) socket.destroy();
    // The worker closes its ends of those connections as their resets reach it; until it has, a connection handed
    // to it is still refused (reset), which is right. Once it has, it must be served: before, it never was again.
    for (const end = Date.now() + HANG; openDescriptors(pid) > before + 2; await sleep(50)) {
      assert.ok(Date.now() < end, `the worker still holds ${openDescriptors(pid)} descriptors (${before} before)`);
    }
    // The worker has its descriptors back: new clients are served.
    for (let i = 0; i < 3; i++) assert.equal(await answered(port), 'ok');
    assert.equal(outcome, 'settled', 'a client past the worker’s limit was left waiting');
    const warnings = hive.records.filter(
      (r) => isEvent('warning')(r) && /could not take a connection/.test(String(r.message)),
    );
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}
