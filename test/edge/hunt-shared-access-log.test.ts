// `--access-log <file>` with a `--config` of several apps sets every app's access log, over each app's own
// `edge.accessLog`: nginx takes one file in every server block, but the lines carry no app name, so which app served a
// line was lost without a word. The command now says so on stderr (and the help and docs say the flag sets every
// app's); a file per app, `off` or syslog is said nothing about.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';
import { nginxBin, nginxSkip } from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-shared-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hiveEdge = (...argv: string[]) => runHiveEdge(dir, argv, { HIVE_NGINX: nginxBin });

function writeConfig(name: string, apiLog?: string, webLog?: string): string {
  const app = (n: string, port: number, accessLog?: string) => ({
    name: n,
    script: 'server.js',
    port,
    edge: { serverName: `${n}.example.com`, listen: { address: '127.0.0.1', port: 18080 }, accessLog },
  });
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ apps: [app('api', 3000, apiLog), app('web', 3001, webLog)] }));
  return file;
}

const fullFlags = ['--full', '--pid', 'nginx.pid', '--error-log', 'stderr'];

test('--access-log over a config of several apps: one file for all, said on stderr', (t) => {
  const config = writeConfig('hive.json', 'api.log');
  const skip = nginxSkip();
  // nginx -t takes the one file in both server blocks (one buffer for both).
  const result = hiveEdge(
    'nginx',
    '--config',
    config,
    '--access-log',
    'all.log',
    ...fullFlags,
    ...(skip ? [] : ['--check']),
  );
  if (skip) t.diagnostic(`nginx -t not run: ${skip}`);
  assert.equal(result.code, 0, result.stderr);
  const log = join(dir, 'all.log');
  assert.ok(result.stdout.includes(`access_log ${log} hive_api buffer=64k flush=1s;`), result.stdout);
  assert.ok(result.stdout.includes(`access_log ${log} hive_web buffer=64k flush=1s;`), result.stdout);
  assert.ok(!result.stdout.includes('api.log'), "the flag wins over the app's edge.accessLog");
  const warnings = result.stderr.split('\n').filter((line) => line.startsWith('hive edge: warning: '));
  assert.equal(warnings.length, 1, result.stderr);
  assert.ok(
    warnings[0]!.includes(
      `apps "api", "web" write one access log, ${log}, whose lines do not say which app served them`,
    ),
    warnings[0],
  );
  assert.match(warnings[0]!, /--access-log sets the log of every app of a --config, over each app's edge\.accessLog/);
  assert.match(
    warnings[0]!,
    /edge\.accessLog in the config, or run once per app with --app <name> --access-log <file>/,
  );
});

test('the same file in two apps of the config is said too; a file each, off or syslog is not', () => {
  const same = hiveEdge('nginx', '--config', writeConfig('same.json', 'one.log', 'one.log'));
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stderr, /apps "api", "web" write one access log, \S+one\.log, whose lines/);
  assert.doesNotMatch(same.stderr, /--access-log sets/);

  for (const argv of [
    ['--config', writeConfig('own.json', 'api.log', 'web.log')],
    ['--config', writeConfig('default.json')],
    ['--config', writeConfig('off.json'), '--access-log', 'off'],
    ['--config', writeConfig('syslog.json'), '--access-log', 'syslog:server=127.0.0.1:5514'],
    ['--config', writeConfig('one.json'), '--app', 'api', '--access-log', 'api.log'],
  ]) {
    const result = hiveEdge('nginx', ...argv);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '', argv.join(' '));
  }
});
