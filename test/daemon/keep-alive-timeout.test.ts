// `hive start --keep-alive-timeout` and a config's keepAliveTimeout (keep_alive_timeout in a PM2 file) reach the app's
// primary, whose runtime sets the app's HTTP servers' idle timeout; describe and the dump show it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
import { appFixture, type Described, tempHome } from './helpers.js';

const hive = tempHome();

// Answers with its server's keep-alive timeout.
const app = join(hive.dir, 'timeout-app.cjs');
writeFileSync(
  app,
  `const http = require('node:http');
  const server = http.createServer((req, res) => res.end(String(server.keepAliveTimeout)));
  server.listen(Number(process.env.PORT), '127.0.0.1');`,
);

async function served(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/`)).text();
}

test('a config keepAliveTimeout, a PM2 keep_alive_timeout and the flag reach the app, describe and the dump', async () => {
  const ports = [await freePort(), await freePort(), await freePort()] as const;
  const apps = [
    { name: 'timed', script: app, instances: 2, keepAliveTimeout: '65s', env: { PORT: String(ports[0]) } },
    { name: 'plain', script: app, instances: 1, env: { PORT: String(ports[1]) } },
  ];
  const start = await hive.run(['start', hive.writeConfig(apps, 'timed.config.json')]);
  assert.equal(start.code, 0, start.stderr);
  const pm2 = [{ name: 'pm2', script: app, instances: 1, keep_alive_timeout: 70_000, env: { PORT: String(ports[2]) } }];
  assert.equal((await hive.run(['start', hive.writeConfig(pm2, 'ecosystem.config.js')])).code, 0);
  assert.deepEqual(await Promise.all(ports.map(served)), ['65000', '5000', '70000']);

  assert.equal((await hive.json<Described>(['describe', 'timed'])).settings.keepAliveTimeout, 65_000);
  assert.equal((await hive.json<Described>(['describe', 'plain'])).settings.keepAliveTimeout, null);
  assert.match((await hive.run(['describe', 'timed'])).stdout, /^keep-alive timeout {2,}65s$/m);
  assert.doesNotMatch((await hive.run(['describe', 'plain'])).stdout, /keep-alive timeout/);

  const port = await freePort();
  const flagged = await hive.run(['start', app, '--name', 'flagged', '-i', '1', '--keep-alive-timeout', '90s'], {
    env: { PORT: String(port) },
  });
  assert.equal(flagged.code, 0, flagged.stderr);
  assert.equal(await served(port), '90000');
  assert.equal((await hive.run(['save'])).code, 0);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as {
    apps: { name: string; runArgs: string[] }[];
  };
  const runArgs = (name: string) => dump.apps.find((entry) => entry.name === name)?.runArgs ?? [];
  assert.ok(runArgs('timed').includes('--keep-alive-timeout=65s'), runArgs('timed').join(' '));
  assert.ok(runArgs('flagged').includes('--keep-alive-timeout=90s'), runArgs('flagged').join(' '));
});

test('refused: no duration (naming the file, app and key), a fork-mode app, and the flag on a config file', async () => {
  const bad = await hive.run([
    'start',
    hive.writeConfig([{ name: 'b', script: appFixture, keepAliveTimeout: 0 }], 'bad.config.json'),
  ]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /ERR_HIVE_CONFIG: .*bad\.config\.json: apps\[0\] \(b\)\.keepAliveTimeout: expected a duration of more than 0/,
  );
  const fork = { name: 'f', script: appFixture, execMode: 'fork', keepAliveTimeout: '65s' };
  const forked = await hive.run(['start', hive.writeConfig([fork], 'fork.config.json')]);
  assert.equal(forked.code, 2, forked.stderr);
  assert.match(forked.stderr, /fork\.config\.json: apps\[0\] \(f\)\.keepAliveTimeout: a fork-mode app/);
  const flag = await hive.run(['start', appFixture, '-x', '--keep-alive-timeout', '65s']);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /--keep-alive-timeout needs a cluster app/);
  const onConfig = await hive.run([
    'start',
    hive.writeConfig([{ name: 'c', script: appFixture }], 'c.config.json'),
    '--keep-alive-timeout',
    '65s',
  ]);
  assert.equal(onConfig.code, 2, onConfig.stderr);
  assert.match(
    onConfig.stderr,
    /--keep-alive-timeout applies to a script; with a config file set it in the app's entry/,
  );
  assert.deepEqual(
    (await hive.json<{ name: string }[]>(['ls'])).map((entry) => entry.name).filter((name) => /^[bfc]$/.test(name)),
    [],
  );
});

test('a config keepAliveTimeout that is no duration is said as such, apart from 0; a bare one under a second too', async () => {
  const junk = await hive.run([
    'start',
    hive.writeConfig([{ name: 'j', script: appFixture, keepAliveTimeout: 'soon' }], 'junk.config.json'),
  ]);
  assert.equal(junk.code, 2, junk.stderr);
  assert.match(
    junk.stderr,
    /apps\[0\] \(j\)\.keepAliveTimeout: expected a duration like 5s, 500ms, 1h, or a number of ms/,
  );
  assert.doesNotMatch(junk.stderr, /more than 0/);
  const bare = await hive.run([
    'start',
    hive.writeConfig([{ name: 'm', script: appFixture, keepAliveTimeout: 65 }], 'bare.config.json'),
  ]);
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(
    bare.stderr,
    /bare\.config\.json: apps\[0\] \(m\)\.keepAliveTimeout: expected a duration such as 65s \(a bare number is milliseconds: write 65s/,
  );
});
