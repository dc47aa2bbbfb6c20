// `hive edge nginx --config hive.json --listen 8081` replaced the file's whole `edge.listen` object, so its address
// and default_server went silently; `--read-timeout` dropped the file's connect and send timeouts, `--rate-limit` its
// burst and zone size, `--tls-cert`/`--tls-key` its TLS port and HSTS. A flag now sets only the option it names.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeCertificate } from './nginx-harness.js';

const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'hive-edge-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function hiveEdge(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...argv], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("a flag over a config file sets its own option and keeps the file's others in the same object", () => {
  const tls = makeCertificate(dir);
  const edge = {
    serverName: 'api.example.com',
    listen: { address: '127.0.0.1', port: 8080, defaultServer: true },
    timeouts: { connect: '2s', send: '30s' },
    rateLimit: { rate: '10r/s', burst: 50, zoneSize: '1m' },
    tls: { ...tls, port: 8443, hsts: true },
    static: { location: '/s/', root: '/srv/public', maxAge: '1d' },
  };
  const config = join(dir, 'hive.json');
  writeFileSync(config, JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3000, edge }] }));
  const result = hiveEdge(
    'nginx',
    '--config',
    config,
    '--listen',
    '8081',
    '--read-timeout',
    '1h',
    '--rate-limit',
    '5r/s',
    '--tls-cert',
    tls.cert,
    '--tls-key',
    tls.key,
    '--static',
    '/assets/=/srv/assets',
  );
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout;
  for (const line of [
    'listen 127.0.0.1:8081 default_server;',
    'listen 127.0.0.1:8443 ssl http2;',
    'return 301 https://$host:8443$request_uri;',
    'add_header Strict-Transport-Security max-age=63072000 always;',
    'proxy_connect_timeout 2s;',
    'proxy_send_timeout 30s;',
    'proxy_read_timeout 1h;',
    'limit_req_zone $binary_remote_addr zone=hive_api:1m rate=5r/s;',
    'limit_req zone=hive_api burst=50 nodelay;',
    'location ^~ /assets/ {',
    'alias /srv/assets/;',
    'expires 1d;',
  ]) {
    assert.ok(out.includes(line), `${line}\n${out}`);
  }

  // Without the file's object, a flag's object stands alone with the defaults, as before.
  const bare = hiveEdge('nginx', '--app', 'api', '--port', '3000', '--listen', '8081', '--read-timeout', '1h');
  assert.equal(bare.code, 0, bare.stderr);
  assert.ok(bare.stdout.includes('listen 8081;'), bare.stdout);
  assert.ok(bare.stdout.includes('proxy_connect_timeout 5s;'), bare.stdout);
});
