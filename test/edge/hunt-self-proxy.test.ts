// `hive edge nginx --port 80 --server-name api.example.com` wrote `listen 80;` and `server 127.0.0.1:80` in the
// upstream: nginx proxied to itself, `nginx -t` passed, and one request became connection after connection until
// `worker_connections are not enough`. An upstream server that is an address and port nginx listens on (the local
// cluster's or a host's; listen.port or tls.port; this site's or another's) is now refused, naming the upstream key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateNginxConfig, resolveEdgeConfig } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { makeCertificate } from '../tls-certificate.js';
import { runHiveEdge } from './edge-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-self-proxy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tls = makeCertificate(dir);

const kWhy = /nginx would proxy each request to itself/;

test('--port equal to the listen port (the default 80, or --tls-port 443) is refused, naming --port', () => {
  for (const [argv, listen] of [
    [['--port', '80', '--server-name', 'api.example.com'], 'listen.port 80, on every IPv4 address'],
    [['--port', '8080', '--listen', '127.0.0.1:8080'], 'listen.port 8080, on 127.0.0.1'],
    [['--port', '8080', '--address', 'localhost', '--listen', '0.0.0.0:8080'], 'listen.port 8080, on every IPv4'],
    [['--port', '443', '--tls-cert', tls.cert, '--tls-key', tls.key], 'tls.port 443, on every IPv4 address'],
  ] as const) {
    const result = runHiveEdge(dir, ['nginx', ...argv]);
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stdout}`);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: --port \(upstream\.port\): app "app": the local cluster's \S+ is the port nginx itself listens on \(/,
    );
    assert.ok(result.stderr.includes(listen), result.stderr);
    assert.match(result.stderr, kWhy);
    assert.match(
      result.stderr,
      /upstream\.port \(--port\) and upstream\.hosts \(--hosts\) are the app's, listen\.port \(--listen\)/,
    );
  }
});

test('a --hosts entry nginx listens on is refused, naming its entry; another address or port is not', () => {
  for (const [argv, entry] of [
    [['--hosts', '10.0.0.5:3000,127.0.0.3:8080', '--listen', '8080'], 1],
    [['--hosts', '[::ffff:127.0.0.1]:8080', '--listen', '127.0.0.1:8080'], 0],
    [['--hosts', '[::1]:8080', '--listen', '8080', '--ipv6'], 0],
    [['--hosts', '10.0.0.5:8080', '--listen', '10.0.0.5:8080'], 0],
    [['--port', '3000', '--hosts', '0.0.0.0:80'], 0],
  ] as const) {
    const result = runHiveEdge(dir, ['nginx', ...argv]);
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stdout}`);
    assert.match(
      result.stderr,
      new RegExp(`^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: --hosts \\(upstream\\.hosts\\[${entry}\\]\\): app "app": `),
    );
    assert.match(result.stderr, kWhy);
  }
  // nginx's [::] is ipv6only, so `listen 8080` alone does not take [::1]; 127.0.0.2 is not 127.0.0.1's listen.
  for (const argv of [
    ['--hosts', '[::1]:8080', '--listen', '8080'],
    ['--hosts', '127.0.0.2:8080', '--listen', '127.0.0.1:8080'],
    ['--hosts', '10.0.0.5:80'],
    ['--port', '8080', '--listen', '8081'],
  ]) {
    const result = runHiveEdge(dir, ['nginx', ...argv]);
    assert.equal(result.code, 0, `${argv.join(' ')}: ${result.stderr}`);
  }
});

test('across the sites of one config: an app proxied to where another app is served is refused', () => {
  const sites = [
    { app: 'web', listen: { port: 8080 }, upstream: { port: 3000 } },
    { app: 'api', listen: { port: 8081 }, upstream: { port: 3001, hosts: ['10.0.0.5:3001', 'localhost:8080'] } },
  ];
  try {
    resolveEdgeConfig({ sites });
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof HiveError, String(error));
    assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_OPTION');
    assert.match(
      error.message,
      /^sites\[1\]\.upstream\.hosts\[1\]: app "api": localhost:8080 is the port nginx itself listens on \(listen\.port 8080 of app "web" \(sites\[0\]\), on every IPv4 address\)/,
    );
  }
  sites[1]!.upstream.hosts = ['10.0.0.5:3001'];
  assert.match(generateNginxConfig({ sites }), /server 10\.0\.0\.5:3001 /);
});
