// Site options that were the library's only (a config file's `edge` object): their flags render what the option
// does, pass `nginx -t` together, and a bad value names the flag.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';
import { makeCertificate, nginxBin, nginxSkip } from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-site-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hiveEdge = (...argv: string[]) => runHiveEdge(dir, argv, { HIVE_NGINX: nginxBin });

test('--keepalive, --keepalive-timeout, --retries, --send-timeout, --no-gzip, --default-server, --no-http2, --no-acme', (t) => {
  const { cert, key } = makeCertificate(dir);
  const flags = ['nginx', '--full', '--port', '3000', '--listen', '127.0.0.1:18080', '--access-log', 'off'];
  const tls = ['--tls-cert', cert, '--tls-key', key, '--tls-port', '18443'];
  const argv = [...flags, ...tls, '--keepalive', '8', '--keepalive-timeout', '2s', '--retries', '2'];
  argv.push('--send-timeout', '30s', '--no-gzip', '--default-server', '--no-http2', '--no-acme', '--pid', 'nginx.pid');
  const skip = nginxSkip();
  const result = hiveEdge(...argv, ...(skip ? [] : ['--check']), '--error-log', 'stderr');
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout;
  assert.match(out, /^\s+keepalive 8;$/m);
  assert.match(out, /^\s+keepalive_timeout 2s;$/m);
  assert.match(out, /^\s+proxy_next_upstream_tries 2;$/m);
  assert.match(out, /^\s+proxy_send_timeout 30s;$/m);
  assert.match(out, /^\s+gzip off;$/m);
  assert.match(out, /^\s+listen 127\.0\.0\.1:18080 default_server;$/m);
  assert.match(out, /^\s+listen 127\.0\.0\.1:18443 ssl;$/m);
  assert.doesNotMatch(out, /acme-challenge/);
  if (skip) t.diagnostic(`nginx -t not run: ${skip}`);

  const off = hiveEdge('nginx', '--port', '3000', '--retries', 'off');
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /^\s+proxy_next_upstream off;$/m);
});

test('the new site flags name themselves in errors', () => {
  const cases: [string[], RegExp][] = [
    [['--retries', '0'], /--retries \(retries\.tries\)/],
    [['--retries', 'some'], /--retries: expected an integer/],
    [['--keepalive', '-1'], /--keepalive \(upstream\.keepalive\)/],
    [['--keepalive-timeout', 'soon'], /--keepalive-timeout \(upstream\.keepaliveTimeout\)/],
    [['--send-timeout', '0s'], /--send-timeout \(timeouts\.send\)/],
    [['--no-http2'], /--no-http2 need --tls-cert/],
    [['--no-acme', '--acme-root', '/srv/acme'], /--acme-root and --no-acme/],
    [['--listen', '::1'], /--listen: an IPv6 address goes in brackets/],
    [['--listen', 'fd00::1:8080'], /--listen: an IPv6 address goes in brackets/],
    // A list given as one string names the bad entry, not "nothing".
    [['--server-name', 'evil;x'], /--server-name \(serverName\[0\]\): expected a host name.*, got "evil;x"/],
    [['--server-name', 'ok.test,bad;name'], /\(serverName\[1\]\): .*, got "bad;name"/],
    [['--real-ip-from', '10.0.0.1,10.0.0.0/33'], /\(realIpFrom\[1\]\): .*, got "10\.0\.0\.0\/33"/],
  ];
  for (const [flags, message] of cases) {
    const result = hiveEdge('nginx', '--port', '3000', ...flags);
    assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /ERR_HIVE_EDGE_INVALID_OPTION/);
    assert.match(result.stderr, message, flags.join(' '));
  }
});

test('--default-server belongs to one app of a config file, as one port takes one default server', () => {
  const file = join(dir, 'hive.config.json');
  const apps = [
    { name: 'api', script: 'a.js', port: 3000, edge: { serverName: 'api.example.com' } },
    { name: 'web', script: 'w.js', port: 3001, edge: { serverName: 'web.example.com' } },
  ];
  writeFileSync(file, JSON.stringify({ apps }));
  const both = hiveEdge('nginx', '--config', file, '--default-server');
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--default-server applies to one app: add --app <name> \(api, web\)/);
  const one = hiveEdge('nginx', '--config', file, '--app', 'web', '--default-server');
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^\s+listen 80 default_server;$/m);
});
