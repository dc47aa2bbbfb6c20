import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { poll } from '../poll.js';
import { freePort, isEvent, startHive, tempApp } from './helpers.js';
import { rawExchange } from './raw-exchange.js';

// The app writes `started-<pid>` as it starts (and sends PM2's 'ready' at once with READY_FIRST), serves ADMIN_PORT (when set) at once, and listens on PORT (on HOST,
// when set) only once the file GO exists; it answers with its pid and what server.address() says.
const { dir, app } = tempApp(
  'hive-sticky-listen-',
  `const fs = require('node:fs');
const http = require('node:http');
fs.writeFileSync(process.env.DIR + '/started-' + process.pid, '');
if (process.env.READY_FIRST) process.send('ready');
if (process.env.ADMIN_PORT) http.createServer((req, res) => res.end('admin')).listen(Number(process.env.ADMIN_PORT), '127.0.0.1');
const server = http.createServer((req, res) => {
  res.setHeader('connection', 'close');
  res.end(JSON.stringify({ pid: process.pid, address: server.address() }));
});
const go = () => {
  if (!fs.existsSync(process.env.GO)) return setTimeout(go, 20);
  if (process.env.HOST) server.listen(Number(process.env.PORT), process.env.HOST);
  else server.listen(Number(process.env.PORT));
};
go();
`,
  'app.cjs',
);

/** The addresses listening on `port` (any process), from /proc/net/tcp and tcp6, e.g. `127.0.0.1`, `::`. */
function listeners(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || local === undefined) continue;
      const [hex, portHex] = local.split(':');
      if (Number.parseInt(portHex!, 16) !== port) continue;
      found.push(hexAddress(hex!));
    }
  }
  return found;
}

function hexAddress(hex: string): string {
  if (hex.length === 8) return [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(6 - i, 8 - i), 16)).join('.');
  if (/^0+$/.test(hex)) return '::';
  return hex;
}

// What a connection to the port meets: 'refused', 'reset'/'closed' (accepted, then dropped), or the response body.
async function ask(port: number): Promise<string> {
  const { response, error } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  if (error?.code === 'ECONNREFUSED') return 'refused';
  if (error?.code === 'ECONNRESET') return 'reset';
  if (error) return String(error.code);
  return response.includes('\r\n\r\n') ? response.split('\r\n\r\n')[1]! : response || 'closed';
}

const startedCount = () => readdirSync(dir).filter((f) => f.startsWith('started-')).length;
const started = (count: number) => () => startedCount() >= count;

test('sticky: the router listens on the host the app asked for, and server.address() is the public one', async () => {
  const port = await freePort();
  const go = join(dir, 'go-host');
  writeFileSync(go, '');
  const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', 'ip'], {
    DIR: dir,
    GO: go,
    HOST: '127.0.0.1',
  });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.deepEqual(listeners(port), ['127.0.0.1']);
  const reply = JSON.parse(await ask(port)) as { address: unknown };
  assert.deepEqual(reply.address, { address: '127.0.0.1', family: 'IPv4', port });
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('sticky: with no host the router listens as node does by default', async () => {
  const port = await freePort();
  const go = join(dir, 'go-default');
  writeFileSync(go, '');
  const hive = startHive([app, '-i', '1', '--port', String(port), '--sticky', 'ip'], { DIR: dir, GO: go });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const reply = JSON.parse(await ask(port)) as { address: { address: string; port: number } };
  assert.deepEqual(listeners(port), [reply.address.address === '::' ? '::' : '0.0.0.0']);
  assert.equal(reply.address.port, port);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('sticky: refused before a process listens on the port; a process that listens elsewhere first is not ready', async () => {
  const port = await freePort();
  const admin = await freePort();
  const go = join(dir, 'go-late');
  const before = startedCount();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--sticky', 'ip', '--listen-timeout', '60s'], {
    DIR: dir,
    GO: go,
    ADMIN_PORT: String(admin),
  });
  await poll(started(before + 1), 'the process to start');
  // Its admin server answers, its app server does not listen yet: the sticky port must refuse, not accept and reset.
  await poll(async () => (await ask(admin)) === 'admin', 'the admin server');
  assert.equal(await ask(port), 'refused');
  assert.equal(hive.records.filter(isEvent('state', { state: 'online' })).length, 0);
  writeFileSync(go, '');
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.match(await ask(port), /"pid"/);

  // Once it listened, a connection that finds no process ready waits for one rather than being dropped.
  unlinkSync(go);
  const pid = hive.readyPids().get(0)!;
  process.kill(pid, 'SIGKILL');
  await hive.waitFor(isEvent('exit', { pid }), 'exit of the killed process');
  const waiting = ask(port);
  // The next process starts, and listens only once GO exists again: the connection was made before.
  await poll(started(before + 2), 'the restarted process');
  writeFileSync(go, '');
  const answer = await waiting;
  assert.match(answer, /"pid"/);
  assert.notEqual((JSON.parse(answer) as { pid: number }).pid, pid);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('sticky: a process that never listens on the port fails as not ready, naming the port', async () => {
  const port = await freePort();
  const admin = await freePort();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--sticky', 'ip', '--listen-timeout', '3s'], {
    DIR: dir,
    GO: join(dir, 'never'),
    ADMIN_PORT: String(admin),
  });
  // Bounded: the old behaviour (ready on the admin server's listen) runs on for good. Unref'd: a bound left pending
  // kept the file's process alive for its whole minute after the last test.
  const exit = await Promise.race([hive.exited, delay(60_000, null, { ref: false })]);
  assert.ok(exit !== null, 'hive run still runs');
  assert.notEqual(exit.code, 0);
  const output = [...hive.stderr, ...hive.records.map((r) => JSON.stringify(r))].join('\n');
  assert.match(output, new RegExp(`did not listen on port ${port}`));
});

test('sticky with --wait-ready: ready() before the listen on the port does not make the process ready', async () => {
  const port = await freePort();
  const go = join(dir, 'go-wait-ready');
  const before = startedCount();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--sticky', 'ip', '--wait-ready'], {
    DIR: dir,
    GO: go,
    READY_FIRST: '1',
  });
  await poll(started(before + 1), 'the process to start');
  // It sent 'ready' as it started, and its server does not listen yet: clients are still refused.
  assert.equal(await ask(port), 'refused');
  assert.equal(hive.records.filter(isEvent('state', { state: 'online' })).length, 0);
  writeFileSync(go, '');
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.match(await ask(port), /"pid"/);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
