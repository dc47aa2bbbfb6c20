// `hive edge nginx --app` proxied to 127.0.0.1 whatever address the app listened on: an app started under the daemon
// with HOST=127.0.0.2 (its server listening there only) got `server 127.0.0.1:<port>`, and nginx answered 502. The
// runtime reports each listen (address and port) to its primary, the primary puts it on the worker's `ready` event,
// and the daemon keeps it per process (`describe`: processes[].listen): the upstream is that address, the wildcards
// as loopback. Real daemon, real app, real nginx.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DaemonApp, daemonAppSite, type FlagSite } from '../../dist/edge/daemon-app-site.js';
import { type Described, tempHome, waitFor } from '../daemon/helpers.js';
import { freePorts, getOnce, nginxBin, nginxSkip, startNginx, testMain } from './nginx-harness.js';

const skip = nginxSkip();
const hive = tempHome();
const hiveApp = fileURLToPath(new URL('../fixtures/edge/hive-app.js', import.meta.url));

// A whole nginx.conf around the site file `hive edge nginx` printed, with every path inside nginx's prefix.
function mainAround(site: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path tmp/${kind};`);
  return [
    `worker_processes ${testMain.workerProcesses};`,
    `pid ${testMain.pid};`,
    `error_log ${testMain.errorLog};`,
    'events {}',
    'http {',
    ...temp,
    site.replaceAll(/access_log [^;]+;/g, 'access_log off;'),
    '}',
    '',
  ].join('\n');
}

test('an app listening on 127.0.0.2 under the daemon is proxied there, and nginx reaches it', { skip }, async () => {
  const [port, listen] = (await freePorts(2)) as [number, number];
  await hive.json(['start', hiveApp, '--name', 'bound', '--port', String(port), '--env', 'HOST=127.0.0.2', '-i', '2']);
  // The daemon keeps where each worker's server listens, as the worker's runtime reported it.
  const workers = await waitFor(async () => {
    const info = await hive.json<Described>(['describe', 'bound']);
    const listens = info.processes.filter((p) => p.role === 'worker').map((p) => p.listen);
    return listens.length === 2 && listens.every((l) => l !== null && l !== undefined) ? listens : undefined;
  }, 'both workers of bound listening');
  assert.deepEqual(workers, [
    { address: '127.0.0.2', port, kind: 'http' },
    { address: '127.0.0.2', port, kind: 'http' },
  ]);
  const site = await hive.run(['edge', 'nginx', '--app', 'bound', '--listen', String(listen)], {
    env: { HIVE_NGINX: nginxBin },
  });
  assert.equal(site.code, 0, site.stderr);
  assert.match(site.stdout, new RegExp(`server 127\\.0\\.0\\.2:${port} `));
  assert.doesNotMatch(site.stdout, /server 127\.0\.0\.1:/);

  const nginx = await startNginx(mainAround(site.stdout), [listen]);
  try {
    const response = await getOnce('127.0.0.1', listen);
    assert.equal(response.status, '200', nginx.output());
    assert.equal((response.seen as unknown as { host: string }).host, '127.0.0.2');
  } finally {
    await nginx.stop();
  }

  // --address still wins over what the daemon says.
  const flag = await hive.run(['edge', 'nginx', '--app', 'bound', '--address', '127.0.0.3']);
  assert.equal(flag.code, 0, flag.stderr);
  assert.match(flag.stdout, new RegExp(`server 127\\.0\\.0\\.3:${port} `));
});

// An app on port 3000 as the daemon describes it, for daemonAppSite alone.
const api = {
  name: 'api',
  status: 'online',
  port: 3000,
  inheritedPort: null,
  instances: 1,
  socket: null,
  sticky: null,
  listening: [3000],
};

test('a wildcard listen is proxied at loopback; an IPv6 one in brackets; none reported, at 127.0.0.1', () => {
  const server = (address: string | undefined) => {
    const listens = address === undefined ? [] : [{ address, port: 3000 }];
    return daemonAppSite({ ...api, listens }, { upstream: {} }).upstream!.address;
  };
  assert.equal(server('0.0.0.0'), '127.0.0.1');
  // Node binds `::` dual-stack: 127.0.0.1 reaches it, also where nginx's machine has no IPv6 loopback.
  assert.equal(server('::'), '127.0.0.1');
  assert.equal(server('::1'), '::1');
  assert.equal(server('::ffff:127.0.0.2'), '127.0.0.2');
  assert.equal(server('10.0.0.5'), '10.0.0.5');
  assert.equal(server(undefined), undefined);
  // Another port's listen says nothing of this one.
  assert.equal(
    daemonAppSite({ ...api, listens: [{ address: '127.0.0.2', port: 4000 }] }, { upstream: {} }).upstream!.address,
    undefined,
  );
});

test('increment_var instances listening on different addresses are each proxied at their own; --address at it', () => {
  const app = {
    ...api,
    instances: 2,
    listening: [3000, 3001],
    listens: [
      { address: '127.0.0.2', port: 3000 },
      { address: '127.0.0.3', port: 3001 },
    ],
  };
  const own = daemonAppSite(app, { upstream: {} }).upstream!;
  assert.deepEqual([own.address, own.port, own.hosts], ['127.0.0.2', 3000, ['127.0.0.3:3001']]);
  const flag = daemonAppSite(app, { upstream: { address: '127.0.0.4' } }).upstream!;
  assert.deepEqual([flag.address, flag.port, flag.hosts], ['127.0.0.4', 3000, ['127.0.0.4:3001']]);
});

// An app serving HTTPS proxied with `proxy_pass http://` failed every request (502) and nothing said so: the kind the
// runtime reports gives upstream TLS, as --upstream-tls does, and says so; the flag over plain HTTP is said.
test('an app serving HTTPS gets upstream TLS, said; --upstream-tls over plain HTTP is said; no kind, nothing', () => {
  const run = (listens: DaemonApp['listens'], flags: FlagSite = { upstream: {} }, app: Partial<DaemonApp> = {}) => {
    const warnings: string[] = [];
    const site = daemonAppSite({ ...api, ...app, listens }, flags, (w) => warnings.push(w));
    return { tls: site.upstream!.tls, warnings: warnings.join('\n') };
  };
  for (const kind of ['https', 'h2-http1']) {
    const https = run([{ address: '127.0.0.1', port: 3000, kind }]);
    assert.deepEqual(https.tls, {}, kind);
    assert.match(https.warnings, /app "api": its server on port 3000 serves HTTPS: nginx connects to it with TLS/);
    assert.match(https.warnings, /not verifying its certificate: give --upstream-ca/);
  }
  // A sticky ip app behind its router: its servers' private ports count, said at the router's port.
  const ip = run([{ address: '127.0.0.1', port: 41234, kind: 'https' }], { upstream: {} }, { sticky: 'ip' });
  assert.deepEqual(ip.tls, {});
  assert.match(ip.warnings, /port 3000 serves HTTPS/);
  // Sticky by a cookie: the router cannot read TLS, so nothing is taken (options.ts would refuse it) and it is said.
  const cookie = run([{ address: '127.0.0.1', port: 41234, kind: 'https' }], { upstream: {} }, { sticky: 'cookie:s' });
  assert.equal(cookie.tls, undefined);
  assert.match(cookie.warnings, /serves HTTPS, and it is sticky by cookie:s/);
  // Plain HTTP, a listen on another port, a mix, or no kind (an older runtime): nothing taken, nothing said.
  for (const listens of [
    [{ address: '127.0.0.1', port: 3000, kind: 'http' }],
    [{ address: '127.0.0.1', port: 4000, kind: 'https' }],
    [{ address: '127.0.0.1', port: 3000 }],
  ]) {
    assert.deepEqual(run(listens), { tls: undefined, warnings: '' }, JSON.stringify(listens));
  }
  const mixed = { ...api, instances: 2, listening: [3000, 3001] };
  const both = [
    { address: '127.0.0.1', port: 3000, kind: 'https' },
    { address: '127.0.0.1', port: 3001, kind: 'http' },
  ];
  assert.equal(run(both, { upstream: {} }, mixed).tls, undefined);
  // The flag wins: kept as given, and over a server known to serve plain HTTP, said.
  const given = run([{ address: '127.0.0.1', port: 3000, kind: 'https' }], { upstream: { tls: { ca: '/ca.pem' } } });
  assert.deepEqual(given, { tls: { ca: '/ca.pem' }, warnings: '' });
  const plain = run([{ address: '127.0.0.1', port: 3000, kind: 'http' }], { upstream: { tls: {} } });
  assert.deepEqual(plain.tls, {});
  assert.match(
    plain.warnings,
    /port 3000 serves plain HTTP \(http\.createServer\(\)\), and --upstream-tls .*every request would fail/,
  );
});
