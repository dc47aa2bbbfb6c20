// Upstream weights and backup servers: `--hosts "10.0.0.5:3000 weight=3, 10.0.0.6:3000 backup"` (nginx's own words
// after the address) renders `server ... weight=3` and `server ... backup`. Against real nginx and stand-in hosts:
// the split of requests follows the weights (counts), and a backup gets requests only once the primary is down.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateNginxConfig, parseHostList } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { nginxChecker, site } from './config-checks.js';
import { runHiveEdge } from './edge-command.js';
import { hostError } from './host-error.js';
import { getOnce, nginxSkip, type ProxiedSite, startProxy, startUpstream, type UpstreamHost } from './nginx-harness.js';

const skip = nginxSkip();
const passesNginx = nginxChecker();
const dir = mkdtempSync(join(tmpdir(), 'hive-edge-weights-'));
let hosts: UpstreamHost[] = [];
let weighted: ProxiedSite | undefined;
let withBackup: ProxiedSite | undefined;

before(async () => {
  if (skip) return;
  hosts = [
    await startUpstream('h1', '127.0.0.2'),
    await startUpstream('h2', '127.0.0.3'),
    await startUpstream('backup', '127.0.0.4'),
  ];
  const [h1, h2] = hosts.map((h) => `${h.host}:${h.port}`);
  // maxFails 0 in the weighted site: no host taken out on a slow machine, so the split is nginx's weights alone.
  weighted = await startProxy({ upstream: { hosts: `${h1} weight=3, ${h2}`, maxFails: 0 } });
  withBackup = await startProxy({
    upstream: { hosts: [h1!, { host: '127.0.0.4', port: hosts[2]!.port, backup: true }] },
  });
});

after(async () => {
  await weighted?.stop();
  await withBackup?.stop();
  await Promise.all(hosts.map((host) => host.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function names(port: number, count: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const response = await getOnce('127.0.0.1', port);
    assert.equal(response.status, '200');
    const name = response.seen?.name ?? '?';
    seen[name] = (seen[name] ?? 0) + 1;
  }
  return seen;
}

test('weight=3 against 1: nginx sends three requests in four to the heavier host', { skip }, async () => {
  assert.deepEqual(await names(weighted!.port, 40), { h1: 30, h2: 10 });
});

test('a backup host gets nothing while the primary is up, and every request once it is down', { skip }, async () => {
  assert.deepEqual(await names(withBackup!.port, 10), { h1: 10 });
  await hosts[0]!.stop();
  assert.deepEqual(await names(withBackup!.port, 10), { backup: 10 });
});

test("the flag renders nginx's weight= and backup, and nginx -t takes them, an object entry too", () => {
  const result = runHiveEdge(dir, ['nginx', '--hosts', '10.0.0.5:3000 weight=3, 10.0.0.6:3000 backup, [fd00::7]:3000']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /server 10\.0\.0\.5:3000 weight=3 max_fails=3 fail_timeout=10s;\n\s+server 10\.0\.0\.6:3000 max_fails=3 fail_timeout=10s backup;\n\s+server \[fd00::7\]:3000 max_fails=3 fail_timeout=10s;/,
  );
  const config = passesNginx({
    sites: [
      site({
        upstream: {
          port: 3000,
          balance: 'least_conn',
          hosts: [{ host: '10.0.0.5', port: 3000, weight: 2 }, '10.0.0.6:3000 weight=5 backup'],
        },
      }),
    ],
  });
  assert.match(config, /server 127\.0\.0\.1:3000 max_fails=3 fail_timeout=10s;/);
  assert.match(config, /server 10\.0\.0\.5:3000 weight=2 max_fails/);
  assert.match(config, /server 10\.0\.0\.6:3000 weight=5 max_fails=3 fail_timeout=10s backup;/);
  // A weight with a hash is nginx's too (ketama weighs its points).
  passesNginx({ sites: [site({ sticky: 'ip', upstream: { hosts: '10.0.0.5:3000 weight=2,10.0.0.6:3000' } })] });
});

test('a backup with a hash balance, or only backups, is refused; so are a bad weight and other parameters', () => {
  for (const [argv, pattern] of [
    [
      ['--port', '3000', '--hosts', '10.0.0.6:3000 backup', '--sticky', 'ip'],
      /^hive edge: ERR_HIVE_EDGE_BALANCE_CONFLICT: --hosts \(upstream\.hosts\[0\]\): app "app": 10\.0\.0\.6:3000 is a backup server, and its upstream balances by hash:ip \(sticky ip hashes by default\), which nginx refuses a backup server with/,
    ],
    [
      ['--hosts', '10.0.0.5:3000,10.0.0.6:3000 backup', '--balance', 'ip_hash'],
      /ERR_HIVE_EDGE_BALANCE_CONFLICT: --hosts \(upstream\.hosts\[1\]\): .* balances by ip_hash, /,
    ],
    [
      ['--hosts', '10.0.0.6:3000 backup'],
      /ERR_HIVE_EDGE_INVALID_OPTION: --hosts \(upstream\.hosts\[0\]\): app "app": every server of its upstream is a backup/,
    ],
    [['--hosts', '10.0.0.6:3000 weight=0'], /ERR_HIVE_EDGE_INVALID_HOST: .*the weight is an integer from 1 to 1000/],
    [['--hosts', '10.0.0.6:3000 weight=1001'], /the weight is an integer from 1 to 1000/],
    [
      ['--hosts', '10.0.0.6:3000 down'],
      /"down" in "10\.0\.0\.6:3000 down": after host:port, expected weight=<n> or backup/,
    ],
    [['--hosts', '10.0.0.6:3000 weight=2 weight=3'], /gives weight twice/],
  ] as const) {
    const result = runHiveEdge(dir, ['nginx', ...argv]);
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stdout}`);
    assert.match(result.stderr, pattern);
  }
  assert.throws(() => parseHostList('10.0.0.5:3000 weight=2,10.0.0.5:3000 backup'), hostError(/is listed twice/));
  assert.throws(
    () =>
      generateNginxConfig({
        sites: [{ app: 'api', upstream: { hosts: [{ host: '10.0.0.5', port: 3000, weight: 0 }] } }],
      }),
    (error: unknown) => error instanceof HiveError && /weight from 1 to 1000/.test(error.message),
  );
});
