// `hive edge nginx`: the command module run in a child process as the dispatcher runs it, with its exit code,
// stdout and stderr; bad input must leave no file behind.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type EdgeResult, edgeSession, runHiveEdge } from './edge-command.js';
import { makeCertificate, nginxBin, nginxSkip, nginxTest, withLocalLogs } from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-cli-'));
// One child process runs every command line of this file but the usage test's: Node loading the command module took
// most of each run's own process (some 80 of them, 40 - 60 s of this file). Each run still has its own argv, env,
// stdout, stderr and exit code; the usage test runs the command in a process of its own, as the dispatcher does.
const session = edgeSession(dir);
after(async () => {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
});

function hiveEdge(...argv: string[]): Promise<EdgeResult> {
  return hiveEdgeWith({}, ...argv);
}

function hiveEdgeWith(env: Record<string, string>, ...argv: string[]): Promise<EdgeResult> {
  return session.run(argv, env);
}

test('prints a config for the local cluster port plus a host list', async () => {
  const result = await hiveEdge('nginx', '--app', 'api', '--port', '3000', '--hosts', '10.0.0.5:3000,10.0.0.6:3000');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /upstream hive_api \{/);
  assert.match(result.stdout, /server 127\.0\.0\.1:3000 /);
  assert.match(result.stdout, /server 10\.0\.0\.6:3000 /);
});

test('--sticky ip warns that the cluster behind nginx sees one client, and names the modes that work', async () => {
  const ip = await hiveEdge('nginx', '--app', 'chat', '--port', '3000', '--sticky', 'ip');
  assert.equal(ip.code, 0, ip.stderr);
  assert.match(ip.stdout, /hash \$remote_addr consistent;/);
  assert.match(
    ip.stderr,
    /^hive edge: warning: app "chat" is sticky by ip: behind nginx every connection comes from nginx's address, .*one process\..*--sticky header:x-real-ip.*--sticky cookie:<name>/m,
  );
  for (const mode of ['header:x-real-ip', 'cookie:sid']) {
    const other = await hiveEdge('nginx', '--app', 'chat', '--port', '3000', '--sticky', mode);
    assert.equal(other.code, 0, other.stderr);
    assert.equal(other.stderr, '');
  }
});

test('--socket proxies to the local cluster over its Unix socket, in place of --port', async () => {
  const result = await hiveEdge('nginx', '--app', 'api', '--port', '3000', '--socket', '/run/hive/api.sock');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /upstream hive_api \{\n\s+server unix:\/run\/hive\/api\.sock max_fails=3 /);
  assert.doesNotMatch(result.stdout, /server 127\.0\.0\.1:3000/);
  assert.match((await hiveEdge('nginx', '--help')).stdout, /--socket <path>/);
});

test('--max-fails and --fail-timeout set passive health; bad values name the flag', async () => {
  const result = await hiveEdge('nginx', '--port', '3000', '--max-fails', '5', '--fail-timeout', '30s');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /server 127\.0\.0\.1:3000 max_fails=5 fail_timeout=30s;/);
  assert.match(
    (await hiveEdge('nginx', '--port', '3000', '--max-fails', '0')).stdout,
    / max_fails=0 fail_timeout=10s;/,
  );
  for (const [flag, value] of [
    ['--max-fails', 'x'],
    ['--max-fails', '-1'],
    ['--fail-timeout', '500ms'],
    ['--fail-timeout', 'soon'],
  ] as const) {
    const bad = await hiveEdge('nginx', '--port', '3000', flag, value);
    assert.equal(bad.code, 2, `${flag} ${value}`);
    assert.match(bad.stderr, new RegExp(`ERR_HIVE_EDGE_INVALID_OPTION: ${flag}`), bad.stderr);
  }
});

test('--real-ip-from is repeatable; a bad range names the flag', async () => {
  const result = await hiveEdge(
    'nginx',
    '--port',
    '3000',
    '--real-ip-from',
    '10.0.0.0/8',
    '--real-ip-from',
    '192.0.2.1',
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /set_real_ip_from 10\.0\.0\.0\/8;\n\s+set_real_ip_from 192\.0\.2\.1;/);
  assert.match(result.stdout, /proxy_set_header X-Forwarded-Proto \$hive_app_proto;/);
  const bad = await hiveEdge('nginx', '--port', '3000', '--real-ip-from', '10.0.0.0/40');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --real-ip-from \(realIpFrom\[0\]\)/);
  const everyone = await hiveEdge('nginx', '--port', '3000', '--real-ip-from', '10.0.0.0/8', '--real-ip-from', '::/0');
  assert.equal(everyone.code, 2);
  assert.match(everyone.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --real-ip-from \(realIpFrom\[1\]\): .*\/0 prefix/);
});

test('--out into a directory that does not exist is a typed error naming --out, and writes nothing', async () => {
  const out = join(dir, 'missing', 'api.conf');
  const result = await hiveEdge('nginx', '--port', '3000', '--out', out);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --out: .*missing.* does not exist/);
  assert.equal(existsSync(join(dir, 'missing')), false);
});

// Written to a temp file renamed over it, the config took the temp's mode: a 0640 one (nginx's group reads it) became
// 0644 at each regeneration.
test('--out over an existing file keeps its mode; a new file gets 0666 under the umask', async () => {
  const out = join(dir, 'kept-mode.conf');
  writeFileSync(out, '# old\n');
  chmodSync(out, 0o640);
  const replaced = await hiveEdge('nginx', '--port', '3000', '--out', out);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.match(readFileSync(out, 'utf8'), /upstream hive_app/);
  assert.equal(statSync(out).mode & 0o777, 0o640);
  const fresh = join(dir, 'fresh-mode.conf');
  const made = await hiveEdge('nginx', '--port', '3000', '--out', fresh);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(statSync(fresh).mode & 0o777, 0o666 & ~process.umask());
});

test('--out naming a directory is a typed error naming --out (exit 2), not a bare EISDIR', async () => {
  const result = await hiveEdge('nginx', '--port', '3000', '--out', dir);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --out: .* is a directory/);
});

test('--real-ip-from "a,b" is split as the config\'s realIpFrom string is', async () => {
  const result = await hiveEdge(
    'nginx',
    '--port',
    '3000',
    '--real-ip-from',
    '10.0.0.0/8,192.168.0.0/16',
    '--real-ip-from',
    '192.0.2.1 fd00::/8',
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /set_real_ip_from 10\.0\.0\.0\/8;\n\s+set_real_ip_from 192\.168\.0\.0\/16;\n\s+set_real_ip_from 192\.0\.2\.1;\n\s+set_real_ip_from fd00::\/8;/,
  );
});

// Each in a process of its own, as the dispatcher runs a command: the module loads and runs from a fresh start.
test('--help prints the usage; no target is a usage error', () => {
  const help = runHiveEdge(dir, ['nginx', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: hive edge nginx/);
  assert.equal(runHiveEdge(dir, []).code, 2);
  assert.equal(runHiveEdge(dir, ['apache']).code, 2);
});

test('--out writes a whole nginx.conf that passes nginx -t', { skip: nginxSkip() }, async () => {
  const out = join(dir, 'nginx.conf');
  const result = await hiveEdge('nginx', '--app', 'api', '--port', '3000', '--full', '--listen', '8080', '--out', out);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '');
  writeFileSync(out, withLocalLogs(readFileSync(out, 'utf8'), dir));
  const check = nginxTest(dir, out);
  assert.equal(check.status, 0, check.output);
});

test('bad input exits 2 with the error code and writes nothing', async () => {
  const cases: [string[], RegExp][] = [
    [['--hosts', '10.0.0.5:3000,10.0.0.5'], /ERR_HIVE_EDGE_INVALID_HOST: --hosts \(upstream\.hosts\[1\]\)/],
    [['--port', '99999'], /ERR_HIVE_EDGE_INVALID_OPTION: --port \(upstream\.port\): .*99999/],
    [['--port', 'eighty'], /ERR_HIVE_EDGE_INVALID_OPTION: --port/],
    [['--port', '3000', '--sticky', 'ip', '--balance', 'round_robin'], /ERR_HIVE_EDGE_BALANCE_CONFLICT/],
    [['--port', '3000', '--tls-cert', 'missing.pem', '--tls-key', 'missing.key'], /ERR_HIVE_EDGE_TLS_FILE: --tls-cert/],
    [['--port', '3000', '--tls-cert', 'missing.pem'], /--tls-cert and --tls-key go together/],
    [['--bogus'], /ERR_HIVE_EDGE_INVALID_OPTION/],
    [
      ['--socket', 'api.sock'],
      /ERR_HIVE_EDGE_INVALID_OPTION: --socket \(upstream\.socket\): expected an absolute path/,
    ],
    [['--socket', `/${'s'.repeat(107)}`], /ERR_HIVE_EDGE_INVALID_OPTION: --socket \(upstream\.socket\): .*107 bytes/],
  ];
  for (const [flags, message] of cases) {
    const out = join(dir, 'bad.conf');
    const result = await hiveEdge('nginx', '--app', 'api', ...flags, '--out', out);
    assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(existsSync(out), false, `${flags.join(' ')} wrote ${out}`);
  }
  // No --app (which alone asks the daemon, edge-daemon-app.test.ts) and no upstream flag.
  const out = join(dir, 'bad.conf');
  const none = await hiveEdge('nginx', '--out', out);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /ERR_HIVE_EDGE_NO_UPSTREAM/);
  assert.equal(existsSync(out), false);
});

test('--config reads every app with a port; --app picks one; per-app flags need --app', async () => {
  const config = join(dir, 'hive.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        { name: 'api', script: 'api.js', port: 3000 },
        { name: 'chat', script: 'chat.js', port: 3001, sticky: 'cookie:sid', edge: { serverName: 'chat.example.com' } },
        { name: 'jobs', script: 'jobs.js' },
      ],
    }),
  );
  const all = await hiveEdge('nginx', '--config', config);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /upstream hive_api \{/);
  assert.match(all.stdout, /upstream hive_chat \{\n\s+hash \$hive_chat_sticky_key consistent;/);
  assert.match(all.stdout, /server_name chat\.example\.com;/);
  assert.doesNotMatch(all.stdout, /hive_jobs/);

  const one = await hiveEdge('nginx', '--config', config, '--app', 'api', '--hosts', '10.0.0.5:3000');
  assert.equal(one.code, 0, one.stderr);
  assert.doesNotMatch(one.stdout, /hive_chat/);
  assert.match(one.stdout, /server 10\.0\.0\.5:3000 /);

  const ambiguous = await hiveEdge('nginx', '--config', config, '--hosts', '10.0.0.5:3000');
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /add --app <name>/);
  const names = await hiveEdge('nginx', '--config', config, '--server-name', 'api.example.com');
  assert.equal(names.code, 2);
  assert.match(names.stderr, /--server-name applies to one app: add --app <name>/);
  const two = await hiveEdge('nginx', '--config', config, '--sticky', 'ip', '--server-name', 'api.example.com');
  assert.equal(two.code, 2);
  assert.match(two.stderr, /--sticky, --server-name apply to one app: add --app <name>/);
  const unknown = await hiveEdge('nginx', '--config', config, '--app', 'web');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /apps: api, chat, jobs/);

  // An error in the file names the file, the app and the key (the shared hive/config loader validates it).
  const bad = join(dir, 'bad.config.json');
  writeFileSync(
    bad,
    JSON.stringify({
      apps: [
        { name: 'jobs', script: 'jobs.js' },
        { name: 'api', script: 'api.js', port: 70000 },
      ],
    }),
  );
  const invalid = await hiveEdge('nginx', '--config', bad);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /ERR_HIVE_CONFIG: .*bad\.config\.json: apps\[1\] \(api\)\.port: .*65535/);
  // Edge options inside an app's `edge` object are checked by the edge schema, naming the app.
  writeFileSync(bad, JSON.stringify({ apps: [{ name: 'api', script: 'api.js', port: 3000, edge: { gzip: 'yes' } }] }));
  const badEdge = await hiveEdge('nginx', '--config', bad);
  assert.equal(badEdge.code, 2);
  assert.match(badEdge.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: \S*bad\.config\.json: app "api": gzip/);
  assert.doesNotMatch(badEdge.stderr, /--help/);
});

test('--config: a bad value of a flag names the flag and the help, not a key the file does not have', async () => {
  const config = join(dir, 'flags-over.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        { name: 'api', script: 'api.js', port: 3000 },
        { name: 'chat', script: 'chat.js', port: 3001 },
      ],
    }),
  );
  for (const picked of [['--app', 'api'], []]) {
    const bad = await hiveEdge('nginx', '--config', config, ...picked, '--read-timeout', '0');
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(
      bad.stderr,
      /ERR_HIVE_EDGE_INVALID_OPTION: app "api": --read-timeout \(timeouts\.read\): .*got "0".*; see hive edge --help$/m,
    );
  }
  const perApp = await hiveEdge('nginx', '--config', config, '--port', '3100');
  assert.equal(perApp.code, 2);
  assert.match(perApp.stderr, /--port applies to one app: add --app <name> \(api, chat\); see hive edge --help$/m);
});

test('--config: an app served only on a Unix socket (edge.upstream.socket) is proxied, not skipped', async () => {
  const config = join(dir, 'socket.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        { name: 'api', script: 'api.js', edge: { upstream: { socket: '/run/hive/api.sock' } } },
        { name: 'jobs', script: 'jobs.js' },
      ],
    }),
  );
  const result = await hiveEdge('nginx', '--config', config);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /server unix:\/run\/hive\/api\.sock /);
  assert.doesNotMatch(result.stdout, /hive_jobs/);
  // --socket on the command line replaces the file's, for the one app picked.
  const flag = await hiveEdge('nginx', '--config', config, '--app', 'api', '--socket', '/tmp/other.sock');
  assert.equal(flag.code, 0, flag.stderr);
  assert.match(flag.stdout, /server unix:\/tmp\/other\.sock /);
});

test("--config: an app's socket key (as hive run reads it) becomes upstream.socket", async () => {
  const config = join(dir, 'hive-socket.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        // A port and a socket, as `hive run` serves both: nginx on this machine takes the socket.
        { name: 'api', script: 'api.js', port: 3000, socket: '/run/hive/api.sock' },
        // Relative to the app's cwd, itself relative to the file's folder, as `hive run` resolves it.
        // Each app its own server name: nginx would send every request for a shared one to the first app.
        { name: 'web', script: 'web.js', cwd: 'srv', socket: 'web.sock', edge: { serverName: 'web.example.com' } },
        // edge.upstream.socket wins over the app's own.
        {
          name: 'admin',
          script: 'admin.js',
          socket: '/run/hive/a.sock',
          edge: { serverName: 'admin.example.com', upstream: { socket: '/run/b.sock' } },
        },
      ],
    }),
  );
  const result = await hiveEdge('nginx', '--config', config);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /upstream hive_api \{\n\s+server unix:\/run\/hive\/api\.sock max_fails=3 [^\n]*\n\s+keepalive/,
  );
  assert.match(result.stdout, new RegExp(`upstream hive_web \\{\\n\\s+server unix:${join(dir, 'srv', 'web.sock')} `));
  assert.match(result.stdout, /upstream hive_admin \{\n\s+server unix:\/run\/b\.sock /);
  assert.doesNotMatch(result.stdout, /a\.sock|127\.0\.0\.1:3000/);
  // --port on the command line names the local server: it replaces the file's socket rather than being left out.
  const port = await hiveEdge('nginx', '--config', config, '--app', 'api', '--port', '3100');
  assert.equal(port.code, 0, port.stderr);
  assert.match(port.stdout, /upstream hive_api \{\n\s+server 127\.0\.0\.1:3100 max_fails=3 /);
  assert.doesNotMatch(port.stdout, /unix:/);
  // Both flags: the socket, as without --config.
  const both = await hiveEdge('nginx', '--config', config, '--app', 'api', '--port', '3100', '--socket', '/tmp/c.sock');
  assert.equal(both.code, 0, both.stderr);
  assert.match(both.stdout, /upstream hive_api \{\n\s+server unix:\/tmp\/c\.sock /);
});

test('the written file is complete or absent: it replaces the old one in one rename', async () => {
  const out = join(dir, 'site.conf');
  writeFileSync(out, '# old\n');
  assert.equal((await hiveEdge('nginx', '--app', 'api', '--port', '3000', '--out', out)).code, 0);
  assert.match(readFileSync(out, 'utf8'), /^# Generated by `hive edge nginx`/);
  assert.equal((await hiveEdge('nginx', '--app', 'api', '--port', '0', '--out', out)).code, 2);
  assert.match(readFileSync(out, 'utf8'), /^# Generated by `hive edge nginx`/);
});

test('--check runs nginx -t first: a certificate nginx cannot load stops the write', {
  skip: nginxSkip(),
}, async () => {
  const env = { HIVE_NGINX: nginxBin };
  const tls = makeCertificate(dir);
  const out = join(dir, 'checked.conf');
  const flags = ['nginx', '--app', 'api', '--port', '3000', '--server-name', 'api.example.com', '--check'];
  const good = await hiveEdgeWith(env, ...flags, '--tls-cert', tls.cert, '--tls-key', tls.key, '--out', out);
  assert.equal(good.code, 0, good.stderr);
  assert.ok(existsSync(out));

  // The file exists (so validation passes) but holds no certificate: only nginx itself can tell.
  const garbage = join(dir, 'not-a-cert.pem');
  writeFileSync(garbage, 'hello\n');
  const bad = join(dir, 'unchecked.conf');
  const result = await hiveEdgeWith(env, ...flags, '--tls-cert', garbage, '--tls-key', tls.key, '--out', bad);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ERR_HIVE_EDGE_NGINX_CHECK/);
  assert.match(result.stderr, /not-a-cert\.pem/);
  assert.equal(existsSync(bad), false);
});

test('--check without nginx names the missing binary', async () => {
  const result = await hiveEdgeWith({ HIVE_NGINX: join(dir, 'no-nginx-here') }, 'nginx', '--port', '3000', '--check');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ERR_HIVE_EDGE_NGINX_NOT_FOUND/);
  assert.equal(result.stdout, '');
});

test('--ipv6 adds listen [::]:port beside each listen; with a listen.address from the file it is refused', async () => {
  const result = await hiveEdge('nginx', '--app', 'api', '--port', '3000', '--listen', '8080', '--ipv6');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /listen 8080;\n\s+listen \[::\]:8080;/);
  const file = join(dir, 'ipv6.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [{ name: 'api', script: 'server.js', port: 3000, edge: { listen: { address: '10.0.0.1' } } }],
    }),
  );
  const refused = await hiveEdge('nginx', '--config', file, '--ipv6');
  assert.equal(refused.code, 2);
  // The flag's conflict with the file: the flag is named.
  assert.match(refused.stderr, /app "api": --ipv6 \(listen\.ipv6\): listen\.address 10\.0\.0\.1/);
});

test('--retry-after sets the rate limit Retry-After, and needs --rate-limit', async () => {
  const result = await hiveEdge(
    'nginx',
    '--app',
    'api',
    '--port',
    '3000',
    '--rate-limit',
    '10r/s',
    '--retry-after',
    '30',
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /add_header Retry-After 30 always;/);
  const alone = await hiveEdge('nginx', '--app', 'api', '--port', '3000', '--retry-after', '30');
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /--retry-after needs --rate-limit/);
});

test("--hsts, --tls-port, --burst refine a config file's edge.tls and edge.rateLimit; without one they are refused", async () => {
  const tls = makeCertificate(dir);
  const file = join(dir, 'refine.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        {
          name: 'api',
          script: 'server.js',
          port: 3000,
          edge: { tls: { cert: tls.cert, key: tls.key }, rateLimit: { rate: '10r/s', burst: 5 } },
        },
        { name: 'bare', script: 'server.js', port: 3001 },
      ],
    }),
  );
  const refined = await hiveEdge(
    'nginx',
    '--config',
    file,
    '--app',
    'api',
    '--hsts',
    '--tls-port',
    '8443',
    '--burst',
    '50',
  );
  assert.equal(refined.code, 0, refined.stderr);
  assert.match(refined.stdout, /listen 8443 ssl/);
  assert.match(refined.stdout, new RegExp(`ssl_certificate ${tls.cert.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};`));
  assert.match(refined.stdout, /Strict-Transport-Security/);
  assert.match(refined.stdout, /limit_req_zone \S+ zone=\S+ rate=10r\/s;/);
  assert.match(refined.stdout, /limit_req zone=\S+ burst=50/);
  const noTls = await hiveEdge('nginx', '--config', file, '--app', 'bare', '--hsts');
  assert.equal(noTls.code, 2);
  assert.match(
    noTls.stderr,
    /need --tls-cert and --tls-key, or the app's edge\.tls in .*refine\.config\.json \(app "bare" has none\)/,
  );
  const noLimit = await hiveEdge('nginx', '--config', file, '--app', 'bare', '--burst', '50');
  assert.equal(noLimit.code, 2);
  assert.match(noLimit.stderr, /need --rate-limit, or the app's edge\.rateLimit in .*\(app "bare" has none\)/);
});

test("--conn-limit sets the limit, over a config file's edge.connLimit keeping its status; a bad count names the flag", async () => {
  const file = join(dir, 'conn.config.json');
  const app = { name: 'api', script: 'server.js', port: 3000, edge: { connLimit: { max: 5, status: 503 } } };
  writeFileSync(file, JSON.stringify({ apps: [app] }));
  const fromFile = await hiveEdge('nginx', '--config', file);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /limit_conn hive_api\.conn 5;\n\s*limit_conn_status 503;/);
  const over = await hiveEdge('nginx', '--config', file, '--conn-limit', '12');
  assert.equal(over.code, 0, over.stderr);
  assert.match(over.stdout, /limit_conn hive_api\.conn 12;\n\s*limit_conn_status 503;/);
  const bad = await hiveEdge('nginx', '--port', '3000', '--conn-limit', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --conn-limit \(connLimit\.max\): expected more than 0/);
  assert.match((await hiveEdge('nginx', '--help')).stdout, /--conn-limit <n>/);
});

test('a value flag given twice is refused, naming both values; --real-ip-from repeats', async () => {
  const twice = await hiveEdge('nginx', '--port', '3000', '--read-timeout', '5s', '--read-timeout', '10s');
  assert.equal(twice.code, 2);
  assert.match(
    twice.stderr,
    /^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: --read-timeout is given twice \("5s", then "10s"\); give it once; see hive edge --help$/m,
  );
  assert.equal(twice.stdout, '');
  const real = await hiveEdge(
    'nginx',
    '--port',
    '3000',
    '--real-ip-from',
    '10.0.0.0/8',
    '--real-ip-from',
    '10.1.0.0/16',
  );
  assert.equal(real.code, 0, real.stderr);
  assert.match(real.stdout, /set_real_ip_from 10\.0\.0\.0\/8;\s+set_real_ip_from 10\.1\.0\.0\/16;/);
});
