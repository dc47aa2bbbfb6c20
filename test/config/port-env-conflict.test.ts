// An app's `port` beside an `env` PORT naming another port: docs/config.md calls it an error, but only the Supervisor
// checked it, on its `env` option, which a daemon's primary never gets (the env reaches it as its process
// environment), and in fork mode `hive start` set PORT from `port` over it: `hive start` of such a file exited 0, the
// app on `port`, the other port dropped without a word. Now the loader refuses it, for every command that reads the
// file, naming the file, the app and both keys; the same value twice is taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { appFixture, tempHome } from '../daemon/helpers.js';
import { configFiles } from './helpers.js';

const hive = tempHome();
const { dir, write, writeJson } = configFiles(hive.dir);

const twoPorts = (envPort: number, port: number) =>
  `${envPort} and \`port\` ${port} name two ports for the app: give one (its processes would get PORT=${port}, ` +
  `and ${envPort} be dropped)`;

test('port and an env PORT naming another port fail the load naming the file, the app and both keys', async () => {
  const cases: [string, string, string][] = [
    // Cluster mode (PM2's instances), fork mode (no instances), camelCase, and an env_<name> that --env picks.
    [
      'ecosystem.config.js',
      `module.exports = { apps: [{ name: 'x1', script: ${JSON.stringify(appFixture)}, port: 3001, instances: 2, env: { PORT: 3002 } }] };`,
      `apps[0] (x1).env.PORT: ${twoPorts(3002, 3001)}`,
    ],
    [
      'ecosystem.config.json',
      JSON.stringify({ apps: [{ name: 'x2', script: appFixture, port: 3001, env: { PORT: '3002' } }] }),
      `apps[0] (x2).env.PORT: ${twoPorts(3002, 3001)}`,
    ],
    [
      'hive.config.json',
      JSON.stringify({
        apps: [
          { name: 'ok', script: appFixture, port: 3000 },
          { name: 'x3', script: appFixture, execMode: 'fork', port: 3001, env: { PORT: 3002 } },
        ],
      }),
      `apps[1] (x3).env.PORT: ${twoPorts(3002, 3001)}`,
    ],
    [
      'hive.config.json',
      JSON.stringify({
        apps: [{ name: 'x4', script: appFixture, port: 3001, env: { PORT: 3001 }, env_production: { PORT: 3003 } }],
      }),
      `apps[0] (x4).env_production.PORT: ${twoPorts(3003, 3001)}`,
    ],
  ];
  for (const [name, text, message] of cases) {
    const file = write(name, text);
    await assert.rejects(loadConfig(file), { code: 'ERR_HIVE_CONFIG', message: `${file}: ${message}` });
  }
});

test('the same port twice loads, and a PM2 deploy target PORT gives way to the app port', async () => {
  const same = writeJson('hive.config.json', {
    apps: [{ name: 'same', script: appFixture, port: 3001, env: { PORT: 3001 }, env_production: { PORT: '3001' } }],
  });
  assert.equal((await loadConfig(same)).apps[0]!.port, 3001);
  // The deploy section's env lies under every app's own settings (its `env` overrides it too, as in PM2).
  const deploy = writeJson('ecosystem.config.json', {
    apps: [{ name: 'd', script: appFixture, port: 3001 }],
    deploy: { production: { env: { PORT: 3004 } } },
  });
  assert.equal((await loadConfig(deploy)).apps[0]!.port, 3001);
});

test('hive start, reload, startOrReload and edge nginx --config of such a file exit 2 and start nothing', async () => {
  const file = write(
    'ecosystem.config.js',
    `module.exports = { apps: [{ name: 'x1', script: ${JSON.stringify(appFixture)}, port: 3001, instances: 2, env: { PORT: 3002 } }] };`,
  );
  const expected = `ERR_HIVE_CONFIG: ${file}: apps[0] (x1).env.PORT: ${twoPorts(3002, 3001)}\n`;
  for (const args of [['start'], ['reload'], ['startOrReload'], ['startOrRestart'], ['edge', 'nginx', '--config']]) {
    const result = await hive.run([...args, file], { cwd: dir });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr, `hive ${args[0]}: ${expected}`);
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});
