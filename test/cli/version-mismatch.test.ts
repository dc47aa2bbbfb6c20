import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
// A stand-in for a daemon of another Hive version (the real daemon's refusal is covered in test/daemon/control).
const server = createServer((socket) => {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
      const request = JSON.parse(buffer.slice(0, i)) as { id: number; cmd: string; hive: string };
      buffer = buffer.slice(i + 1);
      const reply =
        request.cmd === 'ping'
          ? { ok: true, result: { version: '9.9.9', pid: process.pid } }
          : {
              ok: false,
              error: {
                code: 'ERR_HIVE_DAEMON_VERSION',
                message: `the daemon runs Hive 9.9.9 but this CLI is Hive ${request.hive}`,
              },
            };
      socket.write(`${JSON.stringify({ v: 1, hive: '9.9.9', id: request.id, ...reply })}\n`);
    }
  });
});
after(async () => {
  server.close();
  await hive.cleanup();
});

test('a CLI talking to a daemon of another version says so and exits 1', async () => {
  mkdirSync(hive.home, { recursive: true, mode: 0o700 });
  await new Promise<void>((resolve) => server.listen(join(hive.home, 'daemon.sock'), resolve));
  const version = await hive.run(['version']);
  assert.equal(version.code, 1);
  assert.match(version.stdout, /daemon: 9\.9\.9 .*another version than this CLI/);
  const ls = await hive.run(['ls']);
  assert.equal(ls.code, 1);
  assert.match(ls.stderr, /hive ls: ERR_HIVE_DAEMON_VERSION: the daemon runs Hive 9\.9\.9/);
});

test('a daemon of this version from before protocol revisions: told apart as another build, and ping still reaches it', async () => {
  const other = new HiveHome();
  const version = (await other.json<{ cli: string }>(['version'])).cli;
  const pings: Record<string, unknown>[] = [];
  // What such a daemon does: its strict request schema refuses the `rev` key, and its replies carry no `rev`.
  const old = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const request = JSON.parse(buffer.slice(0, i)) as Record<string, unknown> & { id: number; cmd: string };
        buffer = buffer.slice(i + 1);
        if (request.cmd === 'ping') pings.push(request);
        const reply =
          'rev' in request
            ? {
                ok: false,
                error: {
                  code: 'ERR_HIVE_DAEMON_PROTOCOL',
                  message: 'invalid request: message: Unrecognized key: "rev"',
                },
              }
            : { ok: true, result: request.cmd === 'ping' ? { version, pid: process.pid } : [] };
        socket.write(`${JSON.stringify({ v: 1, hive: version, id: request.id, ...reply })}\n`);
      }
    });
  });
  try {
    mkdirSync(other.home, { recursive: true, mode: 0o700 });
    await new Promise<void>((resolve) => old.listen(join(other.home, 'daemon.sock'), resolve));
    const ls = await other.run(['ls']);
    assert.equal(ls.code, 1);
    assert.match(
      ls.stderr,
      /^hive ls: ERR_HIVE_DAEMON_VERSION: the daemon runs another build of Hive .*revision of a build without revisions; .*hive update/,
    );
    const printed = await other.run(['version']);
    assert.equal(printed.code, 1);
    assert.match(printed.stdout, /another build than this CLI whose control protocol differs \(revision none/);
    assert.ok(pings.length > 0 && pings.every((ping) => !('rev' in ping)), 'ping is sent without rev');
  } finally {
    old.close();
    await other.cleanup();
  }
});

test('hive update reaches a daemon from before protocol revisions: save as its own build, then kill', async () => {
  const other = new HiveHome();
  const version = (await other.json<{ cli: string }>(['version'])).cli;
  const exited = spawnSync(process.execPath, ['-e', '']).pid;
  const ticker = daemonFixture('ticker.sh');
  const app = { name: 'api', script: ticker, cwd: tmpdir(), runArgs: [ticker, '--instances=1', '--'], env: {} };
  const dump = JSON.stringify({ version: 1, apps: [{ ...app, instances: '1', fork: { command: ticker, args: [] } }] });
  const requests: Record<string, unknown>[] = [];
  // Such a daemon refuses `rev` (its strict schema) and knows no `protocol`; it exits once it answers kill.
  const old = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const request = JSON.parse(buffer.slice(0, i)) as Record<string, unknown> & { id: number; cmd: string };
        buffer = buffer.slice(i + 1);
        requests.push(request);
        // A save writes the dump, which this build's daemon then resurrects.
        if (request.cmd === 'save' && !('rev' in request)) writeFileSync(join(other.home, 'dump.json'), dump);
        const results: Record<string, unknown> = {
          ping: { version, pid: exited },
          ls: [{ name: 'api' }],
          save: { file: join(other.home, 'dump.json'), apps: ['api'] },
          kill: { pid: exited },
        };
        const reply =
          'rev' in request || request.hive !== version
            ? { ok: false, error: { code: 'ERR_HIVE_DAEMON_PROTOCOL', message: 'invalid request' } }
            : { ok: true, result: results[request.cmd] };
        socket.write(`${JSON.stringify({ v: 1, hive: version, id: request.id, ...reply })}\n`);
        if (request.cmd === 'kill') {
          socket.end();
          old.close();
        }
      }
    });
  });
  try {
    mkdirSync(other.home, { recursive: true, mode: 0o700 });
    await new Promise<void>((resolve) => old.listen(join(other.home, 'daemon.sock'), resolve));
    const update = await other.run(['update', '--json']);
    assert.equal(update.code, 0, update.stderr);
    const result = JSON.parse(update.stdout) as { saved: string[]; killed: number; pid: number; apps: unknown[] };
    assert.deepEqual(result.saved, ['api']);
    other.pids.add(result.pid);
    const apps = await other.json<{ name: string; mode: string; status: string }[]>(['ls']);
    assert.deepEqual(
      apps.map((a) => [a.name, a.mode, a.status]),
      [['api', 'fork', 'online']],
    );
    assert.equal(result.killed, exited);
    assert.deepEqual(
      requests.map((request) => request.cmd),
      ['ping', 'ls', 'save', 'kill'],
    );
    assert.ok(requests.every((request) => !('rev' in request)));
    assert.ok(result.pid > 0 && result.pid !== exited);
  } finally {
    old.close();
    await other.cleanup();
  }
});
