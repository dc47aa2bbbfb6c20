// PM2 parity for commands given a config file: `pm2 reload ecosystem.config.js` reloads the file's apps (by name;
// those the daemon does not have are started, as PM2 starts them), and `--only` narrows stop, delete and reload to some
// of them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

type App = { id: number; name: string; status: string; processes: { role: string; pid: number }[] };
const probe = daemonFixture('env-probe.sh');
const fileName = 'ecosystem.config.js';
const file = join(hive.dir, fileName);

function writeConfig(names: string[]): void {
  hive.writeConfig(
    names.map((name) => ({ name, script: probe, interpreter: 'none' })),
    fileName,
  );
}

// The app processes' pids by app name (the fork primary stays through a reload; its processes are replaced).
const pids = async () =>
  Object.fromEntries(
    (await hive.json<App[]>(['ls'])).map(
      (app) => [app.name, app.processes.filter((p) => p.role !== 'primary').map((p) => p.pid)] as const,
    ),
  );
const probes = (name: string) => hive.readLog(`${name}-out.log`).match(/probe=\S*/g) ?? [];

test('hive reload <config> reloads the file apps the daemon has, with --update-env as for a name', async () => {
  writeConfig(['one', 'two']);
  await hive.json(['start', file], { env: { HIVE_SHELL_PROBE: 'a' } });
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'other']);
  await waitFor(() => probes('one').length === 1 && probes('two').length === 1, 'the first start');
  const before = await pids();
  // `absent` is started after the others are reloaded, as PM2 starts it.
  writeConfig(['one', 'two', 'absent']);
  const reloaded = await hive.json<App[]>(['reload', file, '--update-env'], { env: { HIVE_SHELL_PROBE: 'b' } });
  assert.deepEqual(
    reloaded.map((app) => [app.name, app.status]),
    [
      ['one', 'online'],
      ['two', 'online'],
      ['absent', 'online'],
    ],
  );
  const after = await pids();
  assert.notDeepEqual(after.one, before.one);
  assert.notDeepEqual(after.two, before.two);
  assert.deepEqual(after.other, before.other, 'an app not in the file is left alone');
  await waitFor(() => probes('one').length === 2 && probes('two').length === 2, 'the reload');
  assert.deepEqual(probes('one'), ['probe=a', 'probe=b']);
  await waitFor(() => probes('absent').length === 1, 'the start of the app the daemon did not have');
  assert.deepEqual(probes('absent'), ['probe=b']);
  await hive.json(['delete', 'absent']);
});

test('--only narrows hive stop, reload and delete <config> to the apps named, as it does start', async () => {
  writeConfig(['one', 'two']);
  const statuses = async () =>
    Object.fromEntries((await hive.json<App[]>(['ls'])).map((app) => [app.name, app.status] as const));
  const stopped = await hive.json<App[]>(['stop', file, '--only', 'two']);
  assert.deepEqual(
    stopped.map((app) => [app.name, app.status]),
    [['two', 'stopped']],
  );
  assert.deepEqual(await statuses(), { one: 'online', two: 'stopped', other: 'online' });
  const before = await pids();
  const reloaded = await hive.json<App[]>(['reload', file, '--only', 'one']);
  assert.deepEqual(
    reloaded.map((app) => app.name),
    ['one'],
  );
  assert.notDeepEqual((await pids()).one, before.one);
  assert.deepEqual(await statuses(), { one: 'online', two: 'stopped', other: 'online' });
  // A name the file does not have, and --only with an app name, are usage errors (exit 2), as for start.
  const unknown = await hive.run(['delete', file, '--only', 'one,nope']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /--only nope: .* has no app of that name/);
  const byName = await hive.run(['stop', 'other', '--only', 'one']);
  assert.equal(byName.code, 2, byName.stderr);
  assert.deepEqual(await statuses(), { one: 'online', two: 'stopped', other: 'online' });
  await hive.json(['delete', file, '--only', 'one two']);
  assert.deepEqual(await statuses(), { other: 'online' });
});
