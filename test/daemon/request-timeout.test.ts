import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import { startDashboard } from '../../dist/dashboard/dashboard-server.js';
import { outputOf } from '../cluster/helpers.js';
import { hiveBin } from './helpers.js';

// A daemon that accepts connections and never answers (as a hung or SIGSTOPped one does), on the socket a HIVE_HOME's
// client looks for. Old code waited on it for ever: each test's own bound (the CLI's SIGKILL, the test timeout) is
// what a regression runs into.
const home = join(mkdtempSync(join(tmpdir(), 'ht-')), 'h');
const paths = hivePaths({ HIVE_HOME: home });
let server: Server;
const connections: Socket[] = [];
const closed = new Set<Socket>();
// A regression hangs: each test fails at this bound instead of holding the run.
const bounded = { timeout: 30_000 };

/** The next connection the fake daemon accepts. */
function nextConnection(): Promise<Socket> {
  return once(server, 'connection').then(([socket]) => socket as Socket);
}

/** Resolves when the client side has closed `socket` (the fake daemon never closes it itself). */
function closedByClient(socket: Socket): Promise<void> {
  return closed.has(socket) ? Promise.resolve() : once(socket, 'close').then(() => undefined);
}

before(async () => {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  server = createServer((socket) => {
    connections.push(socket);
    socket.on('error', () => {});
    socket.on('close', () => closed.add(socket));
    // Reads (so the client's writes never block) and never writes back.
    socket.resume();
  });
  server.listen(paths.socket);
  await once(server, 'listening');
});

after(() => {
  for (const socket of connections) socket.destroy();
  server.close();
  rmSync(join(home, '..'), { recursive: true, force: true });
});

test('hive ls against a daemon that never answers exits 1 with ERR_HIVE_DAEMON_TIMEOUT naming the socket', {
  timeout: 90_000,
}, async () => {
  const accepted = nextConnection();
  const child = spawn(process.execPath, [hiveBin, 'ls'], {
    env: { ...process.env, HIVE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The bound of a hang: SIGKILL after 60 s, which shows as a null exit code below.
  const result = await outputOf(child, 60_000);
  assert.equal(result.code, 1, `exit code (null: killed after hanging); stderr: ${result.stderr}`);
  assert.match(result.stderr, /^hive ls: ERR_HIVE_DAEMON_TIMEOUT: /m);
  assert.ok(result.stderr.includes(paths.socket), result.stderr);
  assert.match(result.stderr, /within 5000 ms/);
  await closedByClient(await accepted);
});

test('a request past its timeout rejects with DaemonTimeoutError and closes the connection', bounded, async () => {
  const accepted = nextConnection();
  const client = (await DaemonClient.connect({ start: false, paths }))!;
  assert.ok(client, 'connected to the fake daemon');
  const socket = await accepted;
  await assert.rejects(client.request('describe', { target: 'api' }, { timeout: 200 }), (error: unknown) => {
    const e = error as { code: string; message: string; socket: string; timeout: number; name: string };
    assert.equal(e.code, 'ERR_HIVE_DAEMON_TIMEOUT');
    assert.equal(e.name, 'DaemonTimeoutError');
    assert.equal(e.socket, paths.socket);
    assert.equal(e.timeout, 200);
    assert.match(e.message, /`describe` within 200 ms/);
    return true;
  });
  await closedByClient(socket);
  assert.equal(client.closed, true);
});

test(
  'an aborted request (a long one, which has no default timeout) rejects with the reason and closes the connection',
  bounded,
  async () => {
    const accepted = nextConnection();
    const client = (await DaemonClient.connect({ start: false, paths }))!;
    const socket = await accepted;
    const controller = new AbortController();
    const pending = client.request('reload', { target: 'all' }, { signal: controller.signal, onProgress: () => {} });
    // The request is on the wire before it is given up: the daemon would otherwise see nothing to close.
    await once(socket, 'data');
    const reason = new Error('the view stopped waiting');
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    await closedByClient(socket);
  },
);

test('an invalid timeout is rejected before anything is sent', bounded, async () => {
  const accepted = nextConnection();
  const client = (await DaemonClient.connect({ start: false, paths }))!;
  const socket = await accepted;
  await assert.rejects(client.request('ls', {}, { timeout: -1 }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: 'Expected the `timeout` option to be a non-negative number, got -1 (number)',
  });
  client.close();
  await closedByClient(socket);
});

test(
  "the daemon snapshot source's read fails with ERR_HIVE_DAEMON_TIMEOUT and closes its connection",
  bounded,
  async () => {
    const source = daemonSnapshotSource({ paths, timeout: 200 });
    const accepted = nextConnection();
    await assert.rejects(source.snapshot(), { code: 'ERR_HIVE_DAEMON_TIMEOUT' });
    await closedByClient(await accepted);
  },
);

test('a given-up snapshot read (the signal the dashboard and monit abort) closes its connection', bounded, async () => {
  const source = daemonSnapshotSource({ paths, timeout: 0 });
  const accepted = nextConnection();
  const controller = new AbortController();
  const read = source.snapshot({ signal: controller.signal });
  const socket = await accepted;
  await once(socket, 'data');
  controller.abort();
  await assert.rejects(read, { name: 'AbortError' });
  await closedByClient(socket);
});

test(
  'the dashboard gives up a read of a daemon that never answers, and its connection is closed',
  bounded,
  async () => {
    // No timeout of the source's own: only the dashboard's bound (its abort) can close this connection.
    const dashboard = await startDashboard(daemonSnapshotSource({ paths, timeout: 0 }), { port: 0, interval: 100 });
    try {
      const accepted = nextConnection();
      const response = await fetch(`http://127.0.0.1:${dashboard.port}/api/snapshot`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT/);
      await closedByClient(await accepted);
    } finally {
      await dashboard.close();
    }
  },
);
