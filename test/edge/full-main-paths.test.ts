// `hive edge nginx --full`: the main context's paths. The defaults are a root nginx's under systemd (/run/nginx.pid,
// /var/log/nginx); an nginx started by an ordinary user (`nginx -c <file>`) cannot write those and fails at start, so
// --pid, --error-log, --temp-dir and --access-log point it elsewhere. Both are run with the real nginx: the user's
// config started as an unprivileged user (nobody when the tests run as root) and proxying to an app.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';
import {
  freePort,
  getOnce,
  nginxBin,
  nginxSkip,
  nginxTest,
  startUpstream,
  stopChild,
  withLocalLogs,
} from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-main-'));
// The unprivileged nginx reads its config from under here.
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));
const hiveEdge = (...argv: string[]) => runHiveEdge(dir, argv);

// Run as root, the tests start the "ordinary user" nginx as nobody; run as anyone else, as that user.
const asRoot = process.getuid?.() === 0;
const kNobody = 65534;
function unprivileged(argv: string[]): [string, string[]] {
  return asRoot
    ? ['setpriv', [`--reuid=${kNobody}`, `--regid=${kNobody}`, '--clear-groups', ...argv]]
    : [argv[0]!, argv.slice(1)];
}

test('--full defaults to the paths of a root nginx under systemd, and nginx -t passes with them', (t) => {
  const skip = nginxSkip();
  if (skip) return t.skip(skip);
  const result = hiveEdge('nginx', '--full', '--port', '3000', '--listen', '127.0.0.1:8080');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^pid \/run\/nginx\.pid;$/m);
  assert.match(result.stdout, /^error_log \/var\/log\/nginx\/error\.log;$/m);
  assert.match(result.stdout, /^\s+listen 127\.0\.0\.1:8080;$/m);
  if (!asRoot) return;
  const prefix = mkdtempSync(join(dir, 'root-'));
  const conf = join(prefix, 'nginx.conf');
  // The logs and the pid file (nginx -t creates it) move into the temp prefix: a test leaves no file outside it.
  writeFileSync(conf, withLocalLogs(result.stdout, prefix).replace('pid /run/nginx.pid;', `pid ${prefix}/nginx.pid;`));
  const check = nginxTest(prefix, conf);
  assert.equal(check.status, 0, check.output);
});

test('an unprivileged nginx starts with --pid, --error-log, --temp-dir and --access-log, and proxies', async (t) => {
  const skip = nginxSkip();
  if (skip) return t.skip(skip);
  const home = mkdtempSync(join(dir, 'user-'));
  mkdirSync(join(home, 'tmp'));
  if (asRoot) {
    chownSync(home, kNobody, kNobody);
    chownSync(join(home, 'tmp'), kNobody, kNobody);
  }
  const upstream = await startUpstream('h1', '127.0.0.2');
  t.after(() => upstream.stop());
  const port = await freePort();
  const flags = ['--full', '--hosts', `${upstream.host}:${upstream.port}`, '--listen', `127.0.0.1:${port}`];
  // With the defaults, the ordinary user's nginx refuses to start (nginx -t fails on the pid file alone).
  const stock = hiveEdge('nginx', ...flags, '--worker-processes', '1');
  assert.equal(stock.code, 0, stock.stderr);
  writeFileSync(join(home, 'stock.conf'), stock.stdout);
  const refused = spawnSync(...unprivileged([nginxBin, '-t', '-p', home, '-c', join(home, 'stock.conf')]), {
    encoding: 'utf8',
  });
  assert.notEqual(refused.status, 0, 'nginx -t should fail on /run/nginx.pid or /var/log/nginx as an ordinary user');

  const conf = join(home, 'nginx.conf');
  const written = hiveEdge(
    'nginx',
    ...flags,
    '--worker-processes',
    '1',
    '--pid',
    join(home, 'nginx.pid'),
    '--error-log',
    join(home, 'error.log'),
    '--temp-dir',
    join(home, 'tmp'),
    '--access-log',
    join(home, 'access.log'),
    '--out',
    conf,
  );
  assert.equal(written.code, 0, written.stderr);
  const check = spawnSync(...unprivileged([nginxBin, '-t', '-p', home, '-c', conf]), { encoding: 'utf8' });
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);

  const [binary, args] = unprivileged([nginxBin, '-p', home, '-c', conf, '-g', 'daemon off;']);
  const nginx = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  nginx.stderr.on('data', (chunk) => {
    output += chunk;
  });
  t.after(() => stopChild(nginx, 'SIGTERM'));
  let response: Awaited<ReturnType<typeof getOnce>> | undefined;
  for (let i = 0; i < 400 && response === undefined; i++) {
    assert.equal(nginx.exitCode, null, `nginx exited: ${output}`);
    response = await getOnce('127.0.0.1', port).catch(() => undefined);
    if (response === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(response?.status, '200', output);
  assert.equal(response?.seen?.name, 'h1');
});

test('main-context flags need --full, and a bad value names its flag', () => {
  const site = hiveEdge('nginx', '--port', '3000', '--pid', 'nginx.pid', '--error-log', 'stderr');
  assert.equal(site.code, 2);
  assert.match(site.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --pid, --error-log set the main context .* add --full/);
  const spaced = hiveEdge('nginx', '--full', '--port', '3000', '--pid', 'a b.pid');
  assert.equal(spaced.code, 2);
  assert.match(spaced.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --pid \(main\.pid\): expected a path/);
  const zero = hiveEdge('nginx', '--full', '--port', '3000', '--worker-connections', '0');
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--worker-connections \(main\.workerConnections\)/);
  const processes = hiveEdge('nginx', '--full', '--port', '3000', '--worker-processes', 'many');
  assert.equal(processes.code, 2);
  assert.match(processes.stderr, /--worker-processes: expected an integer/);
  const address = hiveEdge('nginx', '--port', '3000', '--listen', 'no place:80');
  assert.equal(address.code, 2);
  assert.match(address.stderr, /--listen \(listen\.address\)/);
});

test('stderr and syslog error logs and an "off" access log are kept as nginx spells them', () => {
  const result = hiveEdge('nginx', '--full', '--port', '3000', '--error-log', 'stderr', '--access-log', 'off');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^error_log stderr;$/m);
  assert.match(result.stdout, /^\s+access_log off;$/m);
  const syslog = hiveEdge('nginx', '--full', '--port', '3000', '--error-log', 'syslog:server=127.0.0.1:514');
  assert.match(syslog.stdout, /^error_log syslog:server=127\.0\.0\.1:514;$/m);
});

test("a config file's edge.main sets the main context, relative paths from its folder, and flags win", () => {
  const project = mkdtempSync(join(dir, 'project-'));
  const file = join(project, 'hive.config.json');
  const main = { pid: 'run/nginx.pid', errorLog: 'logs/error.log', tempDir: 'tmp', workerConnections: 512 };
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'api', script: 'a.js', port: 3000 }], edge: { main } }));
  const result = hiveEdge('nginx', '--config', file, '--full', '--pid', '/srv/edge/nginx.pid');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^pid \/srv\/edge\/nginx\.pid;$/m);
  assert.ok(result.stdout.includes(`error_log ${join(project, 'logs/error.log')};`), result.stdout);
  assert.ok(result.stdout.includes(`proxy_temp_path ${join(project, 'tmp/proxy')};`), result.stdout);
  assert.match(result.stdout, /^\s+worker_connections 512;$/m);

  writeFileSync(
    file,
    JSON.stringify({ apps: [{ name: 'api', script: 'a.js', port: 3000 }], edge: { main: { pid: 1 } } }),
  );
  const bad = hiveEdge('nginx', '--config', file, '--full');
  assert.equal(bad.code, 2);
  assert.ok(bad.stderr.includes(`ERR_HIVE_EDGE_INVALID_OPTION: ${file}: edge.main.pid:`), bad.stderr);
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'api', script: 'a.js', port: 3000 }], edge: { pids: 'x' } }));
  const unknown = hiveEdge('nginx', '--config', file, '--full');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /edge/);
});
