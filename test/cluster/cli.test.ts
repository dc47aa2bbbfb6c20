import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { reuseportReloadWarning, supportsReusePort } from '../../dist/cluster/index.js';
import { alive, fatalIn, fixture, freePort, get, isEvent, killAll, runHive, startHive } from './helpers.js';

after(killAll);

test('hive without a command prints the usage and exits 2; an unknown command too', async () => {
  const none = await runHive([]);
  assert.equal(none.code, 2);
  assert.match(none.stdout, /Commands: .*run/);
  const unknown = await runHive(['nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "nope"/);
  const help = await runHive(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--instances/);
});

test('bad input is rejected before anything starts, naming the culprit, with exit code 2', async () => {
  const cases: [string[], RegExp][] = [
    [['run'], /Missing <script>/],
    [['run', 'does-not-exist.js'], /ERR_HIVE_SCRIPT_NOT_FOUND: .*does-not-exist\.js/],
    [['run', fixture('app.js'), '-i', 'lots'], /ERR_HIVE_INVALID_ARGUMENT: .*`instances`.*"lots"/],
    [['run', fixture('app.js'), '-i', '1.5'], /ERR_HIVE_INVALID_ARGUMENT: .*`instances`/],
    [['run', fixture('app.js'), '--max-memory-restart', '300X'], /`maxMemoryRestart`.*"300X"/],
    [['run', fixture('app.js'), '--kill-timeout', 'soon'], /`killTimeout`.*"soon"/],
    [['run', fixture('app.js'), '--balance', 'random'], /`balance`.*"random"/],
    [['run', fixture('app.js'), '--sticky', 'ip'], /`sticky` needs `port`/],
    [
      ['run', fixture('app.js'), '--port', '0', '--sticky', 'ip'],
      /ERR_HIVE_INVALID_ARGUMENT: `sticky` cannot use `port` 0: /,
    ],
    [['run', fixture('app.js'), '--sticky', 'hash', '-p', '3000'], /`sticky`.*"hash"/],
    [['run', fixture('app.js'), '--env', 'NOVALUE'], /--env.*"NOVALUE"/],
    [['run', fixture('app.js'), '--port', '70000'], /--port.*"70000"/],
    [['run', fixture('app.js'), '--frobnicate'], /unknown option --frobnicate for hive run; see hive run --help/],
    [['run', fixture('app.js'), 'extra'], /pass script arguments after --/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runHive(args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message, args.join(' '));
  }
});

test('--balance reuseport: refused on a Node.js without reusePort, else each worker binds the port', async () => {
  const port = await freePort();
  const args = ['run', fixture('app.js'), '-i', '2', '--port', String(port), '--balance', 'reuseport'];
  if (!supportsReusePort()) {
    const { code, stderr } = await runHive(args);
    assert.equal(code, 2);
    assert.match(stderr, /ERR_HIVE_BALANCE_UNSUPPORTED/);
    return;
  }
  const hive = startHive(args.slice(1));
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  assert.equal((await get(port)).version, 'v1');
  // Reloads reset connections queued on a retiring process's socket unless this machine migrates them: said at start.
  const warned = hive.records.some((r) => isEvent('warning')(r) && /tcp_migrate_req/.test(String(r.message)));
  assert.equal(warned, reuseportReloadWarning() !== undefined);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('reuseportReloadWarning: none when net.ipv4.tcp_migrate_req is 1, else a warning naming the setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-migrate-'));
  try {
    const file = join(dir, 'tcp_migrate_req');
    writeFileSync(file, '1\n');
    assert.equal(reuseportReloadWarning(file), undefined);
    writeFileSync(file, '0\n');
    assert.match(reuseportReloadWarning(file) ?? '', /tcp_migrate_req is 0\. Set it to 1 \(`sysctl -w net\.ipv4/);
    assert.match(
      reuseportReloadWarning(join(dir, 'absent')) ?? '',
      /tcp_migrate_req is missing \(Linux older than 5\.14\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--balance os: the processes accept on one shared socket', async () => {
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '2', '--port', String(port), '--balance', 'os']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  for (let i = 0; i < 5; i++) assert.equal((await get(port)).version, 'v1');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a port in use: exit 1 with ERR_HIVE_PORT_IN_USE and no worker left behind', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const args = ['run', fixture('app.js'), '-i', '2', '--port', String(port), '--log-format', 'json'];
    const { code, stdout, stderr } = await runHive(args);
    assert.equal(code, 1, stderr);
    // --log-format json: the error is a record on stdout, as everything is.
    assert.match(fatalIn(stdout), new RegExp(`ERR_HIVE_PORT_IN_USE: Port ${port} is already in use`));
    const exits = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type?: string; pid?: number })
      .filter((r) => r.type === 'exit');
    assert.equal(exits.length, 2, 'both workers were reaped before the primary exited');
    for (const { pid } of exits) assert.ok(!alive(pid!));
  } finally {
    blocker.close();
  }
});

test('a worker that never becomes ready: exit 1 with ERR_HIVE_WORKER_NOT_READY', async () => {
  const args = ['run', fixture('app.js'), '-i', '1', '--listen-timeout', '1s'];
  const { code, stderr } = await runHive(args, { NEVER_LISTEN: '1' });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /ERR_HIVE_WORKER_NOT_READY: Worker 0 did not become ready: did not listen within 1000 ms/);
  // The likely mistake, and its fix: a program with no server belongs in fork mode.
  assert.match(
    stderr,
    /within 1000 ms; cluster mode waits for a server, .* fork mode \(execMode: 'fork', `hive start -x`\)/,
  );
  // The other usual cause: an app with its own cluster code, whose worker branch a Hive worker takes.
  assert.match(
    stderr,
    /; so does an app that runs its own `cluster\.isPrimary` branch \(@socket\.io\/sticky's setupPrimary, throng\)/,
  );
});

test('a worker that throws at startup: exit 1, the error names its stderr', async () => {
  const { code, stderr } = await runHive(['run', fixture('app.js'), '-i', '1'], {
    APP_VERSION_FILE: fixture('broken-version.txt'),
  });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /ERR_HIVE_WORKER_NOT_READY: .*exited \(code 1\) before it was ready/);
  assert.match(stderr, /this version does not start/);
});

test('--env and script arguments after -- reach the app', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '1', '--port', String(port), '--env', 'EXTRA=a=b', '--', '--flag', 'x'];
  const hive = startHive(args);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const reply = await get(port);
  assert.equal(reply.extra, 'a=b');
  assert.deepEqual(reply.args, ['--flag', 'x']);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a CommonJS app runs', async () => {
  const port = await freePort();
  const hive = startHive([fixture('app.cjs'), '-i', '1', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  assert.equal(((await get(port)) as unknown as { cjs: boolean }).cjs, true);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a TypeScript app runs without a build step; --wait-ready waits for ready(); onShutdown hooks run', async () => {
  const port = await freePort();
  const hive = startHive([
    fixture('app.ts'),
    '-i',
    '2',
    '--port',
    String(port),
    '--wait-ready',
    '--listen-timeout',
    '60s',
  ]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);
  // Ready came after the app's 'listening' log line, i.e. from ready(), not from listen.
  const listening = hive.records.findIndex((r) => r.kind === 'log' && String(r.line).startsWith('listening'));
  const ready = hive.records.findIndex(isEvent('worker', { state: 'ready' }));
  assert.ok(listening !== -1 && listening < ready);
  const reply = (await get(port)) as unknown as { greeting: string; isPrimaryManaged: boolean };
  assert.equal(reply.greeting, 'typed');
  assert.equal(reply.isPrimaryManaged, true);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  const hooks = hive.records.filter((r) => r.kind === 'log' && String(r.line).startsWith('shutdown hook ran'));
  assert.equal(hooks.length, 2);
});
