// `hive describe` shows the port an app is given (an inherited PORT apart), its balance and sticky modes (with its
// kill timeout): as PM2's describe shows an app's settings, and where a clash on a port or a sticky app that does not
// stick starts its search.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { freePort, get } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

// The fields this test is about, from `describe --json`.
const portFields = ({ settings: s }: AppInfo) => ({
  port: s.port,
  inheritedPort: s.inheritedPort,
  portPerInstance: s.portPerInstance,
  balance: s.balance,
  sticky: s.sticky,
  killTimeout: s.killTimeout,
});

test('a running sticky app: its --port, sticky mode and kill timeout, in text and --json', async () => {
  const port = await freePort();
  await hive.json(
    [
      'start',
      appFixture,
      '--name',
      'chat',
      '-i',
      '1',
      '--port',
      String(port),
      '--sticky',
      'ip',
      '--kill-timeout',
      '2s',
    ],
    // The app's --port wins over the shell's PORT, as its primary sets it.
    { env: { PORT: '1' } },
  );
  await waitFor(async () => (await hive.json<AppInfo>(['describe', 'chat'])).status === 'online', 'chat online');
  // The port shown is the one the app serves on.
  assert.equal((await get(port)).instance, '0');
  const app = await hive.json<AppInfo>(['describe', 'chat']);
  assert.deepEqual(portFields(app), {
    port,
    inheritedPort: null,
    portPerInstance: false,
    balance: 'rr',
    sticky: 'ip',
    killTimeout: 2000,
  });
  const text = (await hive.run(['describe', 'chat'])).stdout;
  for (const line of [
    new RegExp(`^port {2,}${port}$`, 'm'),
    /^balance {2,}rr \(unused: the sticky router deals connections\)$/m,
    /^sticky {2,}ip$/m,
    /^kill timeout {2,}2s$/m,
  ]) {
    assert.match(text, line);
  }
});

test("a config's apps: the port from --env, the shell, increment_var or a fork-mode app's port; none; balance os", async () => {
  // Added stopped: what describe shows comes from what the daemon was given, not from a running process.
  const apps = [
    { name: 'os', script: appFixture, instances: 1, exec_mode: 'cluster', env: { PORT: '4100' }, balance: 'os' },
    { name: 'shell', script: appFixture, instances: 1, exec_mode: 'cluster' },
    { name: 'inc', script: appFixture, instances: 2, exec_mode: 'cluster', port: 4200, increment_var: 'PORT' },
    { name: 'job', script: daemonFixture('ticker.sh'), port: 4300, kill_timeout: 1500 },
    // PM2's filter_env: true: none of the shell's variables, so its PORT neither.
    { name: 'none', script: appFixture, instances: 1, exec_mode: 'cluster', filter_env: true },
  ];
  const file = hive.writeConfig(apps.map((app) => ({ ...app, autostart: false })));
  await hive.json(['start', file], { env: { PORT: '4400' } });
  const described = async (name: string) => portFields(await hive.json<AppInfo>(['describe', name]));

  assert.deepEqual(await described('os'), {
    port: 4100,
    inheritedPort: null,
    portPerInstance: false,
    balance: 'os',
    sticky: null,
    killTimeout: 5000,
  });
  // The shell's PORT is only inherited: not the app's port, which Hive knows once its processes listen.
  assert.deepEqual(await described('shell'), {
    port: null,
    inheritedPort: 4400,
    portPerInstance: false,
    balance: 'rr',
    sticky: null,
    killTimeout: 5000,
  });
  assert.deepEqual(await described('inc'), {
    port: 4200,
    inheritedPort: null,
    portPerInstance: true,
    balance: 'rr',
    sticky: null,
    killTimeout: 5000,
  });
  assert.deepEqual(await described('job'), {
    port: 4300,
    inheritedPort: null,
    portPerInstance: false,
    balance: null,
    sticky: null,
    killTimeout: 1500,
  });
  assert.deepEqual(await described('none'), {
    port: null,
    inheritedPort: null,
    portPerInstance: false,
    balance: 'rr',
    sticky: null,
    killTimeout: 5000,
  });

  const text = async (name: string) => (await hive.run(['describe', name])).stdout;
  const os = await text('os');
  assert.match(os, /^port {2,}4100$/m);
  assert.match(os, /^balance {2,}os$/m);
  assert.match(os, /^sticky {2,}no$/m);
  assert.match(await text('inc'), /^port {2,}4200 \+ instance number \(increment_var\)$/m);
  assert.match(
    await text('shell'),
    /^port {2,}4400 \(PORT inherited, not given; where its processes listen is not known\)$/m,
  );
  const job = await text('job');
  assert.match(job, /^port {2,}4300$/m);
  assert.match(job, /^kill timeout {2,}1\.5s$/m);
  // A fork-mode program is balanced by nothing of Hive's.
  assert.doesNotMatch(job, /^(balance|sticky) /m);
  assert.match(await text('none'), /^port {2,}-$/m);
});
