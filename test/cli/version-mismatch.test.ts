import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome } from '../daemon/helpers.js';

type Request = Record<string, unknown> & { id: number; cmd: string; hive: string };
type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * A stand-in daemon of Hive `version`: each request line gets `answer`'s reply, then `replied` (if given) runs.
 * It listens once given to `listenAt`.
 */
function fakeDaemon(
  version: string,
  answer: (request: Request) => Reply,
  replied?: (request: Request, socket: Socket) => void,
): Server {
  return createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const request = JSON.parse(buffer.slice(0, i)) as Request;
        buffer = buffer.slice(i + 1);
        socket.write(`${JSON.stringify({ v: 1, hive: version, id: request.id, ...answer(request) })}\n`);
        replied?.(request, socket);
      }
    });
  });
}

/** Listens where the CLI of `home` looks for its daemon. */
async function listenAt(server: Server, home: HiveHome): Promise<void> {
  mkdirSync(home.home, { recursive: true, mode: 0o700 });
  await new Promise<void>((resolve) => server.listen(join(home.home, 'daemon.sock'), resolve));
}

const hive = new HiveHome();
// A stand-in for a daemon of another Hive version (the real daemon's refusal is covered in test/daemon/control).
const server = fakeDaemon('9.9.9', (request) =>
  request.cmd === 'ping'
    ? { ok: true, result: { version: '9.9.9', pid: process.pid } }
    : {
        ok: false,
        error: {
          code: 'ERR_HIVE_DAEMON_VERSION',
          message: `the daemon runs Hive 9.9.9 but this CLI is Hive ${request.hive}`,
        },
      },
);
after(async () => {
  server.close();
  await hive.cleanup();
});

test('a CLI talking to a daemon of another version says so and exits 1', async () => {
  await listenAt(server, hive);
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
  const old = fakeDaemon(version, (request) => {
    if (request.cmd === 'ping') pings.push(request);
    return 'rev' in request
      ? {
          ok: false,
          error: {
            code: 'ERR_HIVE_DAEMON_PROTOCOL',
            message: 'invalid request: message: Unrecognized key: "rev"',
          },
        }
      : { ok: true, result: request.cmd === 'ping' ? { version, pid: process.pid } : [] };
  });
  try {
    await listenAt(old, other);
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
  const old = fakeDaemon(
    version,
    (request) => {
      requests.push(request);
      // A save writes the dump, which this build's daemon then resurrects.
      if (request.cmd === 'save' && !('rev' in request)) writeFileSync(join(other.home, 'dump.json'), dump);
      const results: Record<string, unknown> = {
        ping: { version, pid: exited },
        ls: [{ name: 'api' }],
        save: { file: join(other.home, 'dump.json'), apps: ['api'] },
        kill: { pid: exited },
      };
      return 'rev' in request || request.hive !== version
        ? { ok: false, error: { code: 'ERR_HIVE_DAEMON_PROTOCOL', message: 'invalid request' } }
        : { ok: true, result: results[request.cmd] };
    },
    (request, socket) => {
      if (request.cmd === 'kill') {
        socket.end();
        old.close();
      }
    },
  );
  try {
    await listenAt(old, other);
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
