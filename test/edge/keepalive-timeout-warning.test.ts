// A keepalive_timeout not below a draining app process's idle grace (hive run --drain-idle-grace, 1 s by default) lets
// nginx send a request on a connection the process is closing in a reload, and a POST that meets it gets a 502 (see
// nginx-reload-post.test.ts). `hive edge nginx` renders it as asked, and says so on stderr; the default (500ms), a
// shorter one, or no upstream keep-alive is said nothing about.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-keepalive-warning-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const site = ['nginx', '--port', '3000', '--access-log', 'off'];
const hiveEdge = (...argv: string[]) => runHiveEdge(dir, [...site, ...argv]);
const warning = /hive edge: warning: app "api": keepalive_timeout (\S+) is not below 1s, after which a draining/;

test('--keepalive-timeout at or over 1s is rendered, and said on stderr', () => {
  for (const value of ['1s', '4s', '1000ms']) {
    const result = hiveEdge('--app', 'api', '--keepalive-timeout', value);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^\\s+keepalive_timeout ${value};$`, 'm'));
    assert.equal(warning.exec(result.stderr)?.[1], value, result.stderr);
  }
});

test('the default, a shorter timeout, or no upstream keep-alive: no warning', () => {
  for (const argv of [[], ['--keepalive-timeout', '900ms'], ['--keepalive', '0', '--keepalive-timeout', '4s']]) {
    const result = hiveEdge('--app', 'api', ...argv);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /keepalive_timeout/, argv.join(' '));
  }
  assert.match(hiveEdge('--app', 'api').stdout, /^\s+keepalive_timeout 500ms;$/m);
});

test("a config file's edge.upstream.keepaliveTimeout in whole seconds is warned about the same way", () => {
  const file = join(dir, 'hive.json');
  const edge = { listen: { address: '127.0.0.1', port: 18080 }, upstream: { keepaliveTimeout: 4 }, accessLog: 'off' };
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'api', script: 'server.js', port: 3000, edge }] }));
  const result = runHiveEdge(dir, ['nginx', '--config', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(warning.exec(result.stderr)?.[1], '4s', result.stderr);
});

test('upstream keep-alive asked for a sticky app is rendered, and said on stderr; the sticky default is none', () => {
  const kept = hiveEdge('--app', 'api', '--sticky', 'cookie:sid', '--keepalive', '5');
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stdout, /^\s+keepalive 5;$/m);
  assert.match(kept.stderr, /warning: app "api": upstream keepalive 5 with sticky: nginx sends many clients' requests/);
  const sticky = hiveEdge('--app', 'api', '--sticky', 'cookie:sid');
  assert.equal(sticky.code, 0, sticky.stderr);
  assert.doesNotMatch(sticky.stderr, /upstream keepalive/);
  assert.doesNotMatch(hiveEdge('--app', 'api', '--keepalive', '5').stderr, /with sticky/);
});
