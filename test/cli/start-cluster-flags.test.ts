// `hive start app.js -i 2 --sticky header:x` was "Unknown option": `hive start` lacked the `hive run` cluster flags a
// config file sets per app (sticky, balance, kill timeout, restart policy), though the daemon runs the same primary.
// They are now flags of `hive start` too, checked with the config keys' own validation before the daemon is asked.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { appFixture, tempHome, waitFor } from '../daemon/helpers.js';
import { freePort } from '../ports.js';

const hive = tempHome();

function pidFor(port: number, client: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    // A connection each: the sticky router places connections, so a kept-alive one would prove nothing.
    const req = request(
      { host: '127.0.0.1', port, path: '/', agent: false, headers: { 'x-client': client } },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

test('--sticky header:<name> with -i 2 keeps each client on one process', async () => {
  const port = await freePort();
  await hive.json([
    'start',
    appFixture,
    '--name',
    'chat',
    '-i',
    '2',
    '--port',
    String(port),
    '--sticky',
    'header:x-client',
  ]);
  await waitFor(async () => (await pidFor(port, 'probe')) !== undefined, 'the app on its port');
  const pids = new Set<number>();
  for (const client of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const seen = new Set<number | undefined>();
    for (let i = 0; i < 6; i++) seen.add(await pidFor(port, client));
    assert.equal(seen.size, 1, `client ${client} reached ${[...seen]}`);
    pids.add([...seen][0]!);
  }
  assert.equal(pids.size, 2, 'six clients on one process: the header is not what routes them');
});

test('the restart and drain flags reach the app as its config keys do', async () => {
  await hive.json([
    'start',
    appFixture,
    '--name',
    'tuned',
    '--no-autostart',
    '--balance',
    'os',
    '--kill-timeout',
    '3s',
    '--listen-timeout',
    '20s',
    '--max-restarts',
    '4',
    '--min-uptime',
    '2s',
    '--restart-delay',
    '500ms',
    '--exp-backoff-restart-delay',
    '200ms',
    '--stop-exit-codes',
    '0,3',
  ]);
  const info = await hive.json<AppInfo>(['describe', 'tuned']);
  assert.equal(info.settings.killTimeout, 3000);
  assert.equal(info.settings.maxRestarts, 4);
  assert.equal(info.settings.minUptime, 2000);
  assert.equal(info.settings.restartDelay, 500);
  assert.equal(info.settings.expBackoffRestartDelay, 200);
  // A fork-mode program is stopped by the daemon, which reads its drain budget from the spec.
  await hive.json(['start', appFixture, '--name', 'plain', '-x', '--no-autostart', '--kill-timeout', '7s']);
  assert.equal((await hive.json<AppInfo>(['describe', 'plain'])).settings.killTimeout, 7000);
});

test('bad values exit 2 naming the key, read by the parser config keys reach the primary through, before the daemon takes the app', async () => {
  for (const [args, message] of [
    [['--port', '4000', '--sticky', 'cookie:my sid'], /`sticky` .*the cookie name "my sid" holds " "/],
    [['--sticky', 'ip'], /`sticky` needs `port`/],
    [['--balance', 'random'], /`balance` to be rr, os or reuseport/],
    [['--kill-timeout', 'soon'], /`killTimeout` to be a duration/],
    [['--max-restarts', 'many'], /max-?[rR]estarts/],
    [['--stop-exit-codes', '0,300'], /stop-exit-codes` to be a list of exit codes/],
  ] as const) {
    const result = await hive.run(['start', appFixture, '--name', 'bad', ...args]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const apps = await hive.json<AppInfo[]>(['ls']);
  assert.equal(
    apps.some((app) => app.name === 'bad'),
    false,
  );
});

test('fork mode and config files refuse them, as they do --socket', async () => {
  const fork = await hive.run(['start', appFixture, '-x', '--port', '4000', '--sticky', 'ip']);
  assert.equal(fork.code, 2, fork.stderr);
  assert.match(fork.stderr, /--sticky needs a cluster app/);
  // A fork-mode program sends no memory reports: the interval would be taken and never used.
  const interval = await hive.run(['start', appFixture, '-x', '--memory-report-interval', '2s']);
  assert.equal(interval.code, 2, interval.stderr);
  assert.match(interval.stderr, /--memory-report-interval needs a cluster app/);
  const config = hive.writeConfig([{ name: 'cfg', script: appFixture }], 'hive.config.json');
  const file = await hive.run(['start', config, '--kill-timeout', '3s']);
  assert.equal(file.code, 2, file.stderr);
  assert.match(file.stderr, /--kill-timeout applies to a script/);
});
