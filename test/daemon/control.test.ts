import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { appFixture, daemonFixture, HiveHome, isAlive, waitFor } from './helpers.js';

const hive = new HiveHome();
let daemonPid: number;
before(async () => {
  await hive.json(['ls']);
  daemonPid = (await hive.daemonPid())!;
});
after(() => hive.cleanup());

/** Sends raw bytes on the control socket; resolves with the reply lines and whether the daemon closed the socket. */
function raw(
  payload: string | Buffer,
  waitLines: number,
): Promise<{ lines: Record<string, unknown>[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(join(hive.home, 'daemon.sock'));
    let buffer = '';
    let closed = false;
    const finish = () => {
      socket.destroy();
      resolve({
        lines: buffer
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
        closed,
      });
    };
    const timer = setTimeout(finish, 10_000);
    socket.on('error', reject);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.split('\n').filter(Boolean).length >= waitLines) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on('end', () => {
      closed = true;
      clearTimeout(timer);
      finish();
    });
    socket.write(payload);
  });
}

test('malformed, unknown, wrong-version and oversized control messages get an error reply; the daemon stays up', async () => {
  const { cli: version, protocol: rev } = (await hive.json(['version'])) as { cli: string; protocol: string };
  const cases: [string, string, RegExp][] = [
    ['not json\n', 'ERR_HIVE_DAEMON_PROTOCOL', /not JSON/],
    ['{"v":1}\n', 'ERR_HIVE_DAEMON_PROTOCOL', /invalid request/],
    [
      `${JSON.stringify({ v: 2, hive: version, rev, id: 1, cmd: 'ls' })}\n`,
      'ERR_HIVE_DAEMON_PROTOCOL',
      /protocol version 2/,
    ],
    [`${JSON.stringify({ v: 1, hive: version, rev, id: 2, cmd: 'rm -rf' })}\n`, 'ERR_HIVE_DAEMON_PROTOCOL', /cmd/],
    [
      `${JSON.stringify({ v: 1, hive: version, rev, id: 3, cmd: 'start', app: { name: 'x', script: 'x' } })}\n`,
      'ERR_HIVE_DAEMON_PROTOCOL',
      /app/,
    ],
    [
      `${JSON.stringify({ v: 1, hive: '0.0.0-other', id: 4, cmd: 'ls' })}\n`,
      'ERR_HIVE_DAEMON_VERSION',
      /0\.0\.0-other/,
    ],
    // Another build of this version (its protocol revision differs, or it has none): told so before its request is
    // validated, whatever keys or commands it has that this daemon's schema would refuse.
    [
      `${JSON.stringify({ v: 1, hive: version, rev: 'other', id: 7, cmd: 'ls', newKey: true })}\n`,
      'ERR_HIVE_DAEMON_VERSION',
      // Worded for any CLI: one of a Hive without `hive update` reads it too (this build's CLI adds its own advice).
      /another build of Hive .*this CLI's is other\); stop the daemon .* start it with this CLI's version of Hive$/,
    ],
    [
      `${JSON.stringify({ v: 1, hive: version, rev: 'other', id: 8, cmd: 'a-newer-command' })}\n`,
      'ERR_HIVE_DAEMON_VERSION',
      /another build/,
    ],
    [
      `${JSON.stringify({ v: 1, hive: version, id: 9, cmd: 'ls' })}\n`,
      'ERR_HIVE_DAEMON_VERSION',
      /a build without revisions/,
    ],
    [
      `${JSON.stringify({ v: 1, hive: version, rev, id: 5, cmd: 'snapshot', target: 5 })}\n`,
      'ERR_HIVE_DAEMON_PROTOCOL',
      /target/,
    ],
    // Counts `hive scale` refuses are refused on the socket too (0 would mean max to a primary).
    ...[0, '0', -2, -1, '+0', '-0', 1.5, 'many', ''].map((instances, i): [string, string, RegExp] => [
      `${JSON.stringify({ v: 1, hive: version, rev, id: 10 + i, cmd: 'scale', target: 'api', instances })}\n`,
      'ERR_HIVE_DAEMON_PROTOCOL',
      /instances: expected a positive integer, "max", or \+N \/ -N/,
    ]),
    ['[1,2,3]\n', 'ERR_HIVE_DAEMON_PROTOCOL', /./],
    ['null\n', 'ERR_HIVE_DAEMON_PROTOCOL', /./],
  ];
  for (const [payload, code, message] of cases) {
    const { lines } = await raw(payload, 1);
    assert.equal(lines.length, 1, `one reply to ${payload}`);
    const reply = lines[0] as { ok: boolean; error: { code: string; message: string } };
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, code, payload);
    assert.match(reply.error.message, message);
    assert.doesNotMatch(reply.error.message, /hive update/);
  }
  // A CLI of another version may still ask the daemon's version (to say so) and kill it.
  const ping = await raw(`${JSON.stringify({ v: 1, hive: '0.0.0-other', id: 5, cmd: 'ping' })}\n`, 1);
  assert.equal((ping.lines[0] as { ok: boolean }).ok, true);
  // ping and kill need no revision, and any is accepted; the reply says the daemon's.
  const otherPing = await raw(`${JSON.stringify({ v: 1, hive: version, rev: 'other', id: 6, cmd: 'ping' })}\n`, 1);
  const reply = otherPing.lines[0] as { ok: boolean; rev: string; result: { protocol: string } };
  assert.equal(reply.ok, true);
  assert.equal(reply.rev, rev);
  assert.equal(reply.result.protocol, rev);

  for (let i = 0; i < 20; i++) await raw(Buffer.concat([randomBytes(64 + i * 50), Buffer.from('\n')]), 1);
  const oversized = await raw(Buffer.alloc(2 * 1024 * 1024, 'a'), Number.POSITIVE_INFINITY);
  assert.equal((oversized.lines[0] as { error: { code: string } }).error.code, 'ERR_HIVE_DAEMON_PROTOCOL');
  assert.ok(oversized.closed, 'an oversized message closes its connection');
  // Nothing after the refusal is read, not even a well-formed command on the next line.
  // The client writes it all and lets the daemon read it (no reset on the daemon's end, as raw() would send).
  await new Promise<void>((resolve, reject) => {
    const socket = connect(join(hive.home, 'daemon.sock'));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
    socket.end(`${'a'.repeat(2 * 1024 * 1024)}\n${JSON.stringify({ v: 1, hive: version, rev, id: 6, cmd: 'kill' })}\n`);
  });
  // Had the kill run, the daemon would be gone or on its way out: the next command then starts another one.
  assert.ok(isAlive(daemonPid), 'the command after an oversized message was not run');
  assert.deepEqual(await hive.json(['ls']), []);
  assert.equal(await hive.daemonPid(), daemonPid, 'the command after an oversized message was not run');
});

test('the daemon restarts a primary that dies', async () => {
  await hive.json(['start', appFixture, '-i', '1', '--name', 'phoenix']);
  type App = { status: string; restarts: number; processes: { role: string; pid: number }[] };
  const primaryOf = (app: App) => app.processes.find((p) => p.role === 'primary')?.pid;
  const first = primaryOf(await hive.json<App>(['describe', 'phoenix']))!;
  process.kill(first, 'SIGKILL');
  const revived = await waitFor(async () => {
    const app = await hive.json<App>(['describe', 'phoenix']);
    const pid = primaryOf(app);
    return app.status === 'online' && pid !== undefined && pid !== first ? app : undefined;
  }, 'a new primary online');
  assert.ok(revived.restarts >= 1);
  await hive.json(['delete', 'phoenix']);
});

test('a PM2 ecosystem file: every app started, env_production picked by --env', async () => {
  type App = { name: string; status: string; total: number };
  const apps = await hive.json<App[]>(['start', daemonFixture('ecosystem.config.cjs'), '--env', 'production']);
  assert.deepEqual(
    apps.map((a) => [a.name, a.status, a.total]),
    [
      ['web', 'online', 2],
      ['jobs', 'online', 1],
    ],
  );
  const port = await waitFor(() => /listening (\d+)/.exec(hive.readLog('web-out.log'))?.[1], 'web to log its port');
  const response = await request(`http://127.0.0.1:${port}/`);
  assert.equal(((await response.body.json()) as { extra: string }).extra, 'production');
  // `time: true`: lines start with an ISO timestamp.
  await waitFor(() => /^\d{4}-\d\d-\d\dT.*\[jobs:0\] listening/m.test(hive.readLog('jobs-out.log')), 'timed jobs log');

  // Another start of a running app's name names it (the config file again restarts it: start-config-again.test.ts).
  const again = await hive.run(['start', appFixture, '--name', 'web']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ERR_HIVE_APP_EXISTS.*"web"/);
  await hive.json(['delete', 'all']);
});

test('apps stop when the daemon is killed outright (no orphans), and a new daemon can resurrect them', async () => {
  type App = { processes: { pid: number }[] };
  await hive.json(['start', appFixture, '-i', '2', '--name', 'orphan']);
  const pids = (await hive.json<App>(['describe', 'orphan'])).processes.map((p) => p.pid);
  assert.equal(pids.length, 3);
  await hive.json(['save']);
  const pid = (await hive.daemonPid())!;
  process.kill(pid, 'SIGKILL');
  for (const p of [pid, ...pids]) await waitFor(() => !isAlive(p), `pid ${p} to exit`, 20_000);
  const [back] = await hive.json<{ name: string; status: string }[]>(['resurrect']);
  assert.deepEqual([back!.name, back!.status], ['orphan', 'online']);
  await hive.json(['delete', 'all']);
});
