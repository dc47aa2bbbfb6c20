// `hive edge nginx --config` rendered nginx's default upstream keepalive_timeout (500ms) whatever an app's
// drainIdleGrace, and warned about an explicit timeout against a fixed 1s: an app whose draining processes close an
// idle connection after 400ms lost the race to nginx in every reload (a POST on a connection being closed: a 502). Now
// each app's keep-alive follows its own grace, as hive deploy's does (drain-keepalive.ts): half the grace, none under
// 100ms (said on stderr), an explicit timeout kept and warned about against that grace. Through the real command, and
// nginx -t on the whole nginx.conf it writes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';
import { nginxBin, nginxSkip } from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-config-drain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const noKeepalive = /leaves nginx no time to keep an idle connection to the app/;
const upstreamBlock = (conf: string, app: string) =>
  new RegExp(`upstream hive_${app} \\{[^}]*\\}`).exec(conf)?.[0] ?? '';
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('hive edge: warning: '));

// A config file of `apps` (name -> the app's keys besides name, script and port), each on a port of its own.
function writeConfig(name: string, apps: Record<string, Record<string, unknown>>): string {
  const file = join(dir, name);
  const list = Object.entries(apps).map(([app, keys], i) => {
    const { edge, ...rest } = keys as { edge?: Record<string, unknown> };
    const site = { serverName: `${app}.example.com`, listen: { address: '127.0.0.1', port: 18080 }, accessLog: 'off' };
    return { name: app, script: 'server.js', port: 3000 + i, ...rest, edge: { ...site, ...edge } };
  });
  writeFileSync(file, JSON.stringify({ apps: list }));
  return file;
}

// `hive edge nginx --config <file> <argv>` as a whole nginx.conf, checked by nginx -t (--check) where nginx is here.
function edgeConfig(t: TestContext, file: string, ...argv: string[]) {
  const skip = nginxSkip();
  if (skip) t.diagnostic(`nginx -t not run: ${skip}`);
  const full = ['--full', '--pid', 'nginx.pid', '--error-log', 'stderr', ...(skip ? [] : ['--check'])];
  const result = runHiveEdge(dir, ['nginx', '--config', file, ...full, ...argv], { HIVE_NGINX: nginxBin });
  assert.equal(result.code, 0, result.stderr);
  return result;
}

test("an app's drainIdleGrace under 1s: nginx keeps an idle upstream connection for half of it", (t) => {
  const config = writeConfig('grace.json', {
    api: { drainIdleGrace: '400ms' },
    // A PM2 file's own key, in milliseconds, and a count the file sets: the count is kept, the timeout fitted.
    web: { drain_idle_grace: 300, edge: { upstream: { keepalive: 8 } } },
    long: { drainIdleGrace: '2s' },
  });
  const result = edgeConfig(t, config);
  assert.match(
    upstreamBlock(result.stdout, 'api'),
    /^\s*keepalive 32;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 200ms;$/m,
  );
  assert.match(
    upstreamBlock(result.stdout, 'web'),
    /^\s*keepalive 8;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 150ms;$/m,
  );
  // Half of 2s is over nginx's 500ms: the default stays.
  assert.match(upstreamBlock(result.stdout, 'long'), /^\s*keepalive_timeout 500ms;$/m);
  assert.deepEqual(warnings(result.stderr), []);
});

test('a drainIdleGrace under 100ms leaves the app no upstream keep-alive, said on stderr naming the app', (t) => {
  const config = writeConfig('short.json', { api: { drainIdleGrace: 50 }, web: {} });
  const result = edgeConfig(t, config);
  const block = upstreamBlock(result.stdout, 'api');
  assert.doesNotMatch(block, /^\s*keepalive(_timeout)? /m);
  assert.match(block, /^\s*keepalive_requests 1;$/m);
  assert.match(upstreamBlock(result.stdout, 'web'), /^\s*keepalive 32;$/m);
  const said = warnings(result.stderr);
  assert.equal(said.length, 1, result.stderr);
  assert.match(said[0]!, /^hive edge: warning: app "api": drainIdleGrace \(hive run --drain-idle-grace\) 50ms leaves/);
  assert.match(said[0]!, noKeepalive);
});

test("an explicit keepaliveTimeout is kept, and warned about against the app's own grace", (t) => {
  const config = writeConfig('explicit.json', {
    api: { drainIdleGrace: '600ms', edge: { upstream: { keepaliveTimeout: '800ms' } } },
    // Below its grace: nothing to say.
    web: { drainIdleGrace: '600ms', edge: { upstream: { keepaliveTimeout: '250ms' } } },
    // A count the file sets is kept even where no timeout is safe: nginx's default timeout, said against the grace.
    jobs: { drainIdleGrace: 50, edge: { upstream: { keepalive: 8 } } },
  });
  const result = edgeConfig(t, config);
  assert.match(upstreamBlock(result.stdout, 'api'), /^\s*keepalive_timeout 800ms;$/m);
  assert.match(upstreamBlock(result.stdout, 'web'), /^\s*keepalive_timeout 250ms;$/m);
  assert.match(
    upstreamBlock(result.stdout, 'jobs'),
    /^\s*keepalive 8;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 500ms;$/m,
  );
  const said = warnings(result.stderr);
  assert.equal(said.length, 2, result.stderr);
  assert.match(
    said[0]!,
    /app "api": keepalive_timeout 800ms is not below 600ms, the app's drainIdleGrace \(hive run --drain-idle-grace\)/,
  );
  assert.match(said[1]!, /app "jobs": keepalive_timeout 500ms is not below 50ms, the app's drainIdleGrace/);
});

test('--keepalive-timeout over the file is as explicit as the file: kept, warned about against the grace', (t) => {
  const config = writeConfig('flag.json', { api: { drainIdleGrace: 50 } });
  const result = edgeConfig(t, config, '--app', 'api', '--keepalive-timeout', '300ms');
  assert.match(
    upstreamBlock(result.stdout, 'api'),
    /^\s*keepalive 32;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 300ms;$/m,
  );
  const said = warnings(result.stderr);
  assert.equal(said.length, 1, result.stderr);
  assert.doesNotMatch(said[0]!, noKeepalive);
  assert.match(said[0]!, /app "api": keepalive_timeout 300ms is not below 50ms, the app's drainIdleGrace/);
});

test('an app without drainIdleGrace, or with 1s, gets the config of before, and no warning', (t) => {
  const none = edgeConfig(t, writeConfig('none.json', { api: {} }));
  assert.match(
    upstreamBlock(none.stdout, 'api'),
    /^\s*keepalive 32;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 500ms;$/m,
  );
  assert.equal(none.stderr, '');
  const second = edgeConfig(t, writeConfig('second.json', { api: { drainIdleGrace: '1s' } }));
  assert.equal(second.stdout, none.stdout.replaceAll('none.json', 'second.json'));
  assert.equal(second.stderr, '');
  // A timeout of 1s or more with no grace is still said against hive run's default.
  const explicit = edgeConfig(t, writeConfig('old.json', { api: { edge: { upstream: { keepaliveTimeout: '1s' } } } }));
  assert.match(warnings(explicit.stderr).join('\n'), /keepalive_timeout 1s is not below 1s, after which a draining/);
});
