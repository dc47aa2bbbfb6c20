// `hive edge nginx --app <name>` reads the app from the running daemon (HIVE_HOME): its --port or PORT (one server per
// instance with increment_var), else the one port its processes listen on (never an inspector's or the metrics port),
// its socket and its sticky mode, each flag over the daemon's value; typed errors when no daemon runs, the app is not
// there, or its port cannot be told. Real daemon, real apps, configs checked by nginx -t.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { appFixture, daemonFixture, HiveHome, tempHome, waitFor } from '../daemon/helpers.js';
import { requestOf } from '../daemon/home-processes.js';
import { edgeSession } from './edge-command.js';
import { freePort, makePrefix, nginxBin, nginxSkip, nginxTest, withLocalLogs } from './nginx-harness.js';

const skip = nginxSkip();
const lateServer = daemonFixture('late-server.mjs');
const http2App = new URL('../fixtures/runtime-review/http2-app.js', import.meta.url).pathname;
const hive = tempHome();
const nginxEnv = { HIVE_NGINX: nginxBin };
let prefix = '';
before(async () => {
  prefix = await makePrefix();
});
// One child process runs every `hive edge nginx` of this file but the unsafe HIVE_HOME test's (the whole CLI there):
// Node loading the command module was most of each run of its own. Each run has its own HIVE_HOME, stdout, stderr
// and exit code, and asks the daemon afresh (a connection per run, as in a process of its own).
const session = edgeSession(hive.dir);
after(async () => {
  await session.close();
  await rm(prefix, { recursive: true, force: true });
});

function edge(args: string[], home: HiveHome = hive) {
  return session.run(['nginx', ...args], { ...nginxEnv, HIVE_HOME: home.home });
}

// What a test does to its apps besides starting them (stop, describe, delete: no claim of theirs) is asked of the
// daemon on its socket, as the CLI asks it, without a CLI start-up apiece.
function ask<T = unknown>(method: string, target: string): Promise<T> {
  return requestOf<T>(hive.home, method, { target });
}

test('a sticky app started with --port gets its port and cookie hash without repeating a flag', { skip }, async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '--name', 'api', '--port', String(port), '--sticky', 'cookie:sid', '-i', '1']);
  const site = await edge(['--app', 'api', '--check']);
  assert.equal(site.code, 0, site.stderr);
  assert.match(site.stdout, /upstream hive_api \{\n\s+hash \$hive_api_sticky_key consistent;/);
  assert.match(site.stdout, new RegExp(`server 127\\.0\\.0\\.1:${port} `));
  assert.match(site.stdout, /map \$http_cookie \$hive_api_sticky_key \{[^}]*sid=/);

  // A whole nginx.conf too, checked here with nginx -t (a warning fails it).
  const full = await edge(['--app', 'api', '--full', '--listen', '18080']);
  assert.equal(full.code, 0, full.stderr);
  const conf = join(prefix, 'api.conf');
  writeFileSync(conf, withLocalLogs(full.stdout, prefix));
  const checked = nginxTest(prefix, conf);
  assert.equal(checked.status, 0, checked.output);
  assert.doesNotMatch(checked.output, /\[warn\]/);

  // Each flag wins over the daemon's value.
  const other = await freePort();
  const flags = await edge(['--app', 'api', '--port', String(other), '--sticky', 'ip', '--check']);
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /hash \$remote_addr consistent;/);
  // Behind nginx, a cluster sticky by ip sees one client: said, the config still written.
  assert.match(flags.stderr, /warning: app "api" is sticky by ip/);
  assert.doesNotMatch(site.stderr, /warning/);
  assert.match(flags.stdout, new RegExp(`server 127\\.0\\.0\\.1:${other} `));
  assert.doesNotMatch(flags.stdout, new RegExp(`:${port} `));
});

test('an app given no port is proxied to the port its processes really listen on', { skip }, async () => {
  // The fixture listens on PORT, else on any free port (one for the whole cluster): only /proc knows which.
  await hive.json(['start', appFixture, '--name', 'free', '-i', '2']);
  // Not sticky: round robin with keep-alive.
  assert.doesNotMatch(await proxiedToListened('free'), /hash /);
});

test('a stopped app is proxied to its PORT; a socket app to its socket', { skip }, async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '--name', 'env-port', '--env', `PORT=${port}`, '-i', '1']);
  await ask('stop', 'env-port');
  const stopped = await edge(['--app', 'env-port', '--check']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`server 127\\.0\\.0\\.1:${port} `));

  const socket = join(hive.dir, 'api.sock');
  await hive.json([
    'start',
    appFixture,
    '--name',
    'sock',
    '--port',
    String(await freePort()),
    '--socket',
    socket,
    '-i',
    '1',
  ]);
  const result = await edge(['--app', 'sock', '--check']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`server unix:${socket} `));
});

test('an app whose port cannot be told is a typed error naming --port', { skip }, async () => {
  // A fork-mode program with no port and no server.
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  const result = await edge(['--app', 'tick']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /ERR_HIVE_EDGE_APP_PORT: app "tick": it was started without --port or PORT/);
  assert.match(result.stderr, /pass --port <port>/);
  assert.equal(result.stdout, '');
  // --port names it.
  const named = await edge(['--app', 'tick', '--port', String(await freePort()), '--check']);
  assert.equal(named.code, 0, named.stderr);
});

test('an app the daemon does not have is ERR_HIVE_APP_NOT_FOUND, unless the flags name the upstream', async () => {
  // `ls` starts the daemon when none runs yet.
  await hive.json<AppInfo[]>(['ls']);
  const missing = await edge(['--app', 'nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /ERR_HIVE_APP_NOT_FOUND: no app named or numbered "nope"/);
  assert.equal(missing.stdout, '');
  const flags = await edge(['--app', 'nope', '--port', '3000']);
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /server 127\.0\.0\.1:3000 /);
  assert.match(flags.stderr, /the daemon runs no app "nope"; the site is made of the flags alone/);
});

test('no daemon: ERR_HIVE_DAEMON_NOT_RUNNING (none is started), unless the flags name the upstream', async () => {
  const empty = new HiveHome();
  // A daemon there (none should be) is stopped by `hive kill`; none: its folder removed, no CLI run for it.
  after(async () => ((await daemonIn(empty)) ? empty.cleanup() : rm(empty.dir, { recursive: true, force: true })));
  const result = await edge(['--app', 'api'], empty);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ERR_HIVE_DAEMON_NOT_RUNNING: no daemon runs for HIVE_HOME .*pass --port/);
  assert.equal(result.stdout, '');
  assert.equal(await daemonIn(empty), false, 'no daemon started');
  // header:x-real-ip, not ip: ip has a warning of its own on stderr (edge-warnings.ts).
  const flags = await edge(['--app', 'api', '--port', '3000', '--sticky', 'header:x-real-ip'], empty);
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /hash \$remote_addr consistent;\n\s+server 127\.0\.0\.1:3000 /);
  assert.equal(flags.stderr, '');
});

test('a daemon of another build: its ERR_HIVE_DAEMON_VERSION, unless the flags name the upstream', async () => {
  const other = new HiveHome();
  mkdirSync(other.home, { recursive: true, mode: 0o700 });
  // Stands in for a daemon of another Hive build: refuses every request as such a daemon does.
  const daemon = createServer((socket) => {
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const { id } = JSON.parse(line) as { id: number };
        const error = { code: 'ERR_HIVE_DAEMON_VERSION', message: 'the daemon runs Hive 0.0.1' };
        socket.write(`${JSON.stringify({ v: 1, hive: '0.0.1', id, ok: false, error })}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => daemon.listen(join(other.home, 'daemon.sock'), resolve));
  after(() => {
    daemon.close();
    // No daemon of this build to kill there: the stand-in is closed, the folder removed.
    return rm(other.dir, { recursive: true, force: true });
  });
  const result = await edge(['--app', 'api'], other);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /ERR_HIVE_DAEMON_VERSION: the daemon runs Hive 0\.0\.1 but this CLI is Hive .*hive update/,
  );
  assert.equal(result.stdout, '');
  const flags = await edge(['--app', 'api', '--port', '3000'], other);
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /server 127\.0\.0\.1:3000 /);
  assert.match(flags.stderr, /ERR_HIVE_DAEMON_VERSION: .*; the site is made of the flags alone/);
});

/**
 * Once `app` says which port it took (the cluster fixture's `listening <port>`), `hive edge --app <app> --check` must
 * pass with that port as its upstream server; the config it printed.
 */
async function proxiedToListened(app: string): Promise<string> {
  const listened = await waitFor(
    () => /listening (\d+)/.exec(hive.readLog(`${app}-out.log`))?.[1],
    'the app says which port it took',
  );
  const result = await edge(['--app', app, '--check']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`server 127\\.0\\.0\\.1:${listened} `));
  return result.stdout;
}

// The inspector's "Debugger listening on ws://127.0.0.1:<port>/..." line: where node:cluster put it (the primary's
// inspector port plus the fork count, whatever --inspect named).
function inspectorPort(home: HiveHome, app: string): Promise<string> {
  return waitFor(
    () => /Debugger listening on ws:\/\/[^\s]*:(\d+)\//.exec(home.readLog(`${app}-error.log`))?.[1],
    'the worker says where its inspector listens',
  );
}

test('a configured port wins over any port listened on, even while the app starts (never its inspector)', {
  skip,
}, async () => {
  // Its server listens once the gate exists: until then the inspector is the one port its process listens on.
  const gate = join(hive.dir, 'inspected.gate');
  const port = await freePort();
  const inspect = await freePort();
  const started = hive.run([
    'start',
    lateServer,
    '--name',
    'inspected',
    '--port',
    String(port),
    '-i',
    '1',
    `--node-args=--inspect=127.0.0.1:${inspect}`,
    '--env',
    `GATE=${gate}`,
    // The primary's inspector port, which node:cluster counts its workers' from: a free one, not 9229.
    '--env',
    `NODE_OPTIONS=--inspect-port=${await freePort()}`,
  ]);
  const debug = await inspectorPort(hive, 'inspected');
  const result = await edge(['--app', 'inspected', '--check']);
  writeFileSync(gate, '');
  assert.equal((await started).code, 0);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`server 127\\.0\\.0\\.1:${port} `));
  assert.doesNotMatch(result.stdout, new RegExp(`:${debug} `));
  await ask('delete', 'inspected');
});

test('without a configured port, an inspector port is never the upstream: a typed error instead', {
  skip,
}, async () => {
  const gate = join(hive.dir, 'debugged.gate');
  const started = hive.run(
    [
      'start',
      lateServer,
      '--name',
      'debugged',
      '-i',
      '1',
      '--node-args=--inspect=127.0.0.1:0',
      '--env',
      `GATE=${gate}`,
      // Its workers' inspectors count from this one (whatever --inspect says): read from NODE_OPTIONS too.
      '--env',
      `NODE_OPTIONS=--inspect-port=${await freePort()}`,
    ],
    { env: { PORT: '' } },
  );
  const debug = await inspectorPort(hive, 'debugged');
  const result = await edge(['--app', 'debugged']);
  writeFileSync(gate, '');
  assert.equal((await started).code, 0);
  assert.equal(result.code, 2, result.stdout);
  assert.match(result.stderr, /ERR_HIVE_EDGE_APP_PORT: app "debugged": it was started without --port or PORT/);
  assert.equal(result.stdout, '');
  assert.doesNotMatch(result.stderr, new RegExp(`${debug}`));
  // Once its server listens, that port (the one left) is the upstream.
  await proxiedToListened('debugged');
  await ask('delete', 'debugged');
});

test('increment_var PORT: one upstream server per instance', { skip }, async () => {
  const port = await freePort();
  // Two instances tell one server per instance from one for the app, with a worker's boot fewer than three.
  const app = { name: 'inc', script: appFixture, instances: 2, exec_mode: 'cluster', port, increment_var: 'PORT' };
  const file = hive.writeConfig([app], 'inc.config.json');
  await hive.json(['start', file]);
  const result = await edge(['--app', 'inc', '--check']);
  assert.equal(result.code, 0, result.stderr);
  const servers = [...result.stdout.matchAll(/server 127\.0\.0\.1:(\d+) /g)].map((m) => Number(m[1]));
  assert.deepEqual(servers, [port, port + 1]);
  await ask('delete', 'inc');
});

// nginx proxies HTTP/1.x only: an h2c server (http2.createServer()) answered curl through nginx with HTTP/0.9 bytes,
// and nothing said so. The runtime reports each server's kind with its listen, and --app refuses an h2c upstream.
test('an h2c app (http2.createServer()) is refused with ERR_HIVE_EDGE_APP_HTTP2, naming the app and port', {
  skip,
}, async () => {
  const port = await freePort();
  await hive.json(['start', http2App, '--name', 'h2c', '--port', String(port), '-i', '1']);
  const listen = await waitFor(async () => {
    const info = await ask<AppInfo>('describe', 'h2c');
    return info.processes.find((p) => p.role === 'worker' && p.listen)?.listen ?? undefined;
  }, 'the h2c worker listening');
  assert.deepEqual(listen, { address: '127.0.0.1', port, kind: 'h2c' });
  const result = await edge(['--app', 'h2c']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`ERR_HIVE_EDGE_APP_HTTP2: app "h2c": its server on port ${port} speaks HTTP/2 in cleartext only`),
  );
  assert.match(result.stderr, /allowHTTP1: true/);
  assert.equal(result.stdout, '');
  // The flag's port is the same server: refused too.
  const flagged = await edge(['--app', 'h2c', '--port', String(port)]);
  assert.match(flagged.stderr, /ERR_HIVE_EDGE_APP_HTTP2/);
  await ask('delete', 'h2c');
});

test("a metrics port that is the scheme's default (80) is still Hive's, not the app's", {
  skip: skip || (process.getuid?.() !== 0 && 'binding port 80 needs root'),
}, async (t) => {
  const probe = createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false)).listen(80, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!free) return t.skip('port 80 is taken');
  await hive.json(['start', appFixture, '--name', 'metered', '-i', '1', '--metrics-port', '80'], { env: { PORT: '' } });
  await proxiedToListened('metered');
  await ask('delete', 'metered');
});

test('an unsafe HIVE_HOME is exit 1 without the usage hint', async () => {
  const open = new HiveHome();
  // No daemon can run in an unsafe home: its folder removed, no `hive kill` for it.
  after(() => rm(open.dir, { recursive: true, force: true }));
  mkdirSync(open.home, { recursive: true });
  chmodSync(open.home, 0o777);
  // The whole CLI, as a user runs it: the dispatcher's exit, and no usage hint from it either.
  const result = await open.run(['edge', 'nginx', '--app', 'api'], { env: nginxEnv });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_HOME_UNSAFE/);
  assert.doesNotMatch(result.stderr, /--help/);
  assert.equal(result.stdout, '');
});

// As with --config: nginx must close an idle upstream connection before the app's draining processes do, and the
// daemon says how long they wait (`hive start --drain-idle-grace`).
test('an app started with a short --drain-idle-grace gets an upstream keepalive_timeout below it', {
  skip,
}, async () => {
  const port = await freePort();
  await hive.json([
    'start',
    appFixture,
    '--name',
    'short-grace',
    '--port',
    String(port),
    '--drain-idle-grace',
    '400ms',
    '-i',
    '1',
  ]);
  const site = await edge(['--app', 'short-grace', '--check']);
  assert.equal(site.code, 0, site.stderr);
  assert.match(site.stdout, /upstream hive_short_grace \{[^}]*keepalive_timeout 200ms;/);
  // An explicit timeout is kept, and said to be not below the app's own grace.
  const explicit = await edge(['--app', 'short-grace', '--keepalive-timeout', '450ms', '--check']);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.match(explicit.stdout, /keepalive_timeout 450ms;/);
  assert.match(explicit.stderr, /keepalive_timeout 450ms is not below 400ms/);

  const tiny = await freePort();
  await hive.json([
    'start',
    appFixture,
    '--name',
    'no-grace',
    '--port',
    String(tiny),
    '--drain-idle-grace',
    '50ms',
    '-i',
    '1',
  ]);
  const none = await edge(['--app', 'no-grace', '--check']);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /upstream hive_no_grace \{[^}]*keepalive_requests 1;/);
  assert.match(
    none.stderr,
    /warning: app "no-grace": drainIdleGrace \(hive run --drain-idle-grace\) 50ms leaves nginx no time/,
  );
});

/** Whether a daemon answers on `home`'s socket, asked as `hive version` asks (none is started). */
async function daemonIn(home: HiveHome): Promise<boolean> {
  const client = await DaemonClient.connect({ start: false, paths: hivePaths({ HIVE_HOME: home.home }) });
  client?.close();
  return client !== undefined;
}
