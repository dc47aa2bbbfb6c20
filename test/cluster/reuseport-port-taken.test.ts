// `--balance reuseport` binds each process's own SO_REUSEPORT socket, which the kernel lets into any group of such
// sockets of the same user: another program's (or another Hive's) on the port would have shared its clients with this
// app, both running, nothing said. A port taken that way fails the start as any taken port does.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import { request } from 'undici';
import { supportsReusePort } from '../../dist/cluster/index.js';
import { poll } from '../poll.js';
import { fixture, freePort, isEvent, killAll, runHive, startHive } from './helpers.js';

after(killAll);

const skip = supportsReusePort() ? false : `Node.js ${process.versions.node} has no reusePort (22.12+, 23.1+)`;

test('--balance reuseport: a port another program holds with SO_REUSEPORT fails the start', { skip }, async () => {
  const port = await freePort();
  const other: Server = createServer((socket) => socket.end('other\n'));
  await new Promise<void>((resolve) => other.listen({ port, host: '127.0.0.1', reusePort: true } as never, resolve));
  try {
    const run = await runHive(['run', fixture('app.js'), '-i', '2', '--port', String(port), '--balance', 'reuseport']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`ERR_HIVE_PORT_IN_USE: Port ${port} is already in use`));
    // The other program kept its port to itself.
    assert.equal(other.listening, true);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

// Under rr (or os), an app's own `listen({ reusePort: true })` made each worker bind its own socket on Node >= 22.12,
// skipping the primary's handle and its port check: another program's SO_REUSEPORT socket on the port shared the
// clients (a third of them answered by it), nothing said. The balance is Hive's: the option is taken out.
test("rr: an app's own reusePort listen shares the primary's handle; a port another program holds fails the start", {
  skip,
}, async () => {
  const port = await freePort();
  const other: Server = createServer((socket) => socket.end('other\n'));
  await new Promise<void>((resolve) => other.listen({ port, host: '127.0.0.1', reusePort: true } as never, resolve));
  try {
    const run = await runHive(['run', fixture('own-reuseport-app.mjs'), '-i', '2', '--port', String(port)]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`ERR_HIVE_PORT_IN_USE: Port ${port} is already in use`));
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
  // With the port free, both processes serve on it.
  const hive = startHive([fixture('own-reuseport-app.mjs'), '-i', '2', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const seen = new Set<string>();
  await poll(async () => {
    // A connection per request: rr deals connections, not requests.
    seen.add(await (await request(`http://127.0.0.1:${port}/`, { reset: true })).body.text());
    return seen.size === 2 ? seen : undefined;
  }, 'both instances answering');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
