import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fillOptions } from '../../dist/cluster/options.js';
import {
  type AppReply,
  alive,
  fatalIn,
  fixture,
  freePort,
  get,
  isEvent,
  reloadThrough,
  runHive,
  startHive,
  startLoad,
  unixSocketSetup,
  until,
} from './helpers.js';

// `hive run --socket`: the app's HTTP server also accepts on a Unix socket, through node:cluster like its port.
const { dir, viaSocket } = unixSocketSetup('hive-socket-');

test('both processes answer on the socket as on the port; the socket gets its mode and is gone after a stop', async () => {
  const socket = join(dir, 'app.sock');
  const port = await freePort();
  const hive = startHive([
    fixture('app.js'),
    '-i',
    '2',
    '--port',
    String(port),
    '--socket',
    socket,
    '--socket-mode',
    '666',
  ]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  assert.ok(statSync(socket).isSocket());
  assert.equal(statSync(socket).mode & 0o777, 0o666);
  const pids = new Set<number>();
  // One connection per request (closed after): node:cluster deals the socket's connections out like the port's.
  for (let i = 0; i < 12; i++) pids.add((await get(port, '/', viaSocket(socket, { pipelining: 0 }))).pid);
  assert.deepEqual([...pids].sort(), [...hive.readyPids().values()].sort());
  assert.equal((await get(port)).version, 'v1');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.ok(!existsSync(socket), 'the socket file is removed when the last process closes it');
});

test('--socket-group gives the socket file that group, so that mode 660 lets its members in', async () => {
  // Any group of this machine other than root's (Debian has nogroup and www-data).
  const [name, gid] = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 3 && Number(fields[2]) > 0)
    .map((fields) => [fields[0]!, Number(fields[2])] as const)[0]!;
  const socket = join(dir, 'group.sock');
  const hive = startHive([fixture('app.js'), '-i', '1', '--socket', socket, '--socket-group', name]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  assert.equal(statSync(socket).gid, gid);
  assert.equal(statSync(socket).mode & 0o777, 0o660);
  assert.equal((await get(80, '/', viaSocket(socket))).version, 'v1');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  const unknown = await runHive(['run', fixture('app.js'), '--socket', socket, '--socket-group', 'no-such-group-here']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /`socketGroup` to be a group of this machine .*"no-such-group-here"/);
});

test('two rolling reloads under keep-alive load on the socket fail no request', async () => {
  const socket = join(dir, 'reload.sock');
  const versionFile = join(dir, 'version');
  writeFileSync(versionFile, 'v1');
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '2', '--port', String(port), '--socket', socket], {
    APP_VERSION_FILE: versionFile,
  });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const load = startLoad(port, 8, '/', { connect: { socketPath: socket } });
  await delay(300);
  await reloadThrough(hive, versionFile, ['v2', 'v3']);
  const stats = await load.stop();
  assert.equal(stats.failed, 0, `failed requests: ${stats.errors.join('; ')}`);
  assert.ok(stats.ok > 0);
  assert.equal((stats.last as AppReply).version, 'v3');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a socket file left by a killed primary is replaced; a live socket or another file is refused', async () => {
  // A process that listens on a socket and is SIGKILLed leaves the file behind, as a SIGKILLed primary would.
  const stale = join(dir, 'stale.sock');
  const holder = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stale)})`]);
  await until(() => existsSync(stale), 'the socket file of the process to kill');
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  assert.ok(existsSync(stale));
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '1', '--port', String(port), '--socket', stale]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  assert.equal((await get(port, '/', viaSocket(stale))).version, 'v1');

  // The live socket of that running app: a second app must not take it over.
  const second = await runHive(['run', fixture('app.js'), '-i', '1', '--socket', stale]);
  assert.equal(second.code, 1, second.stderr);
  assert.match(second.stderr, /ERR_HIVE_SOCKET_IN_USE: The socket .*stale\.sock is in use/);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);

  const file = join(dir, 'not-a-socket');
  writeFileSync(file, 'keep me');
  const refused = await runHive(['run', fixture('app.js'), '-i', '1', '--socket', file]);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /ERR_HIVE_SOCKET_PATH: .*not-a-socket: a file that is not a socket is in the way/);
  assert.ok(existsSync(file), 'Hive never deletes a file that is not a socket');

  const missing = await runHive(['run', fixture('app.js'), '-i', '1', '--socket', join(dir, 'nope', 'app.sock')]);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /ERR_HIVE_SOCKET_PATH: .*the folder .*nope does not exist/);
});

test('a socket the app cannot bind: the worker reports it and the run fails clearly, with no worker left', async () => {
  // /proc is a folder no one may create files in, root included: the check before forking passes, the bind fails.
  const args = ['run', fixture('app.js'), '-i', '2', '--socket', '/proc/hive-app.sock', '--log-format', 'json'];
  const { code, stdout, stderr } = await runHive(args);
  assert.equal(code, 1, stderr);
  assert.match(fatalIn(stdout), /ERR_HIVE_SOCKET_PATH: Cannot listen on the socket \/proc\/hive-app\.sock: .*EACCES/);
  const records = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type?: string; pid?: number });
  const exits = records.filter((r) => r.type === 'exit');
  assert.equal(exits.length, 2, 'both workers were reaped before the primary exited');
  for (const { pid } of exits) assert.ok(!alive(pid!));
  // The sibling still starting when the run gave up was stopped at once, not after killTimeout.
  assert.equal(records.filter((r) => r.type === 'killed').length, 0);
});

test('socket options are checked at the door', () => {
  const script = fixture('app.js');
  assert.throws(
    () => fillOptions({ script, socket: '/tmp/a.sock', sticky: 'ip', port: 3000 }),
    /cannot be combined with `sticky`/,
  );
  assert.throws(() => fillOptions({ script, socket: `/tmp/${'x'.repeat(120)}.sock` }), /at most 107 bytes/);
  assert.throws(() => fillOptions({ script, socket: '/tmp/a.sock', socketMode: '999' }), /`socketMode`.*"999"/);
  assert.throws(() => fillOptions({ script, socket: '/tmp/a.sock', socketMode: 666 }), /octal mode.*a string/);
  assert.equal(fillOptions({ script, socket: '/tmp/a.sock' }).socketMode, 0o660);
  assert.equal(fillOptions({ script, socket: '/tmp/a.sock', socketMode: '0o666' }).socketMode, 0o666);
  assert.equal(fillOptions({ script, socket: 'rel.sock', cwd: '/srv' }).socket, '/srv/rel.sock');
});
