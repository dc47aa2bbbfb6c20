// `hive edge nginx --config dir/hive.json` with `edge.tls.cert: "cert.pem"` checked the file in the current
// directory, then wrote `ssl_certificate cert.pem`, which nginx reads from its own prefix (/etc/nginx): three places.
// Relative TLS files, static.root and acme.root in a config file now mean the file's directory and are written
// absolute, as the flags are resolved from the current directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeCertificate } from './nginx-harness.js';

const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'hive-edge-relative-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('relative paths in a config file are read from the file directory, whatever the current one', () => {
  const app = join(dir, 'app');
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(app);
  mkdirSync(elsewhere);
  makeCertificate(app);
  const edge = {
    serverName: 'api.example.com',
    tls: { cert: 'cert.pem', key: './key.pem' },
    static: { location: '/s/', root: 'public' },
    acme: { root: '/var/www/certbot' },
    accessLog: 'logs/api.access.log',
  };
  writeFileSync(
    join(app, 'hive.json'),
    JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3000, edge }] }),
  );
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, 'nginx', '--config', join(app, 'hive.json')],
    { cwd: elsewhere, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.ok(result.stdout.includes(`ssl_certificate ${join(app, 'cert.pem')};`), result.stdout);
  assert.ok(result.stdout.includes(`ssl_certificate_key ${join(app, 'key.pem')};`), result.stdout);
  assert.ok(result.stdout.includes(`alias ${join(app, 'public')}/;`), result.stdout);
  assert.ok(result.stdout.includes('root /var/www/certbot;'), result.stdout);
  // nginx would open a relative access_log under its own prefix too.
  assert.ok(result.stdout.includes(`access_log ${join(app, 'logs/api.access.log')} hive_api `), result.stdout);
});

test('accessLog "off" and "syslog:..." in a config file are no paths: off, and an unbuffered syslog log', () => {
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const render = (accessLog: string) => {
    const app = mkdtempSync(join(dir, 'log-'));
    const edge = { accessLog };
    writeFileSync(
      join(app, 'hive.json'),
      JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3000, edge }] }),
    );
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, 'nginx', '--config', 'hive.json'],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    return result.stdout;
  };
  const off = render('off');
  assert.match(off, /^\s+access_log off;$/m);
  assert.doesNotMatch(off, /\/off/);
  // nginx -t: "logs to syslog cannot be buffered" (nginx-validation checks the rendered config with nginx).
  assert.match(
    render('syslog:server=127.0.0.1:514,tag=api'),
    /^\s+access_log syslog:server=127\.0\.0\.1:514,tag=api hive_api;$/m,
  );
});
