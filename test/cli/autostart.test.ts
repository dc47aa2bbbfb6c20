// PM2's `autostart: false` (and `--no-autostart`): the app is added stopped, not started; `hive start <name>` or a
// cron tick starts it; starting its config again leaves it stopped; save/resurrect bring it back stopped, as PM2's
// dump keeps the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

type App = { name: string; status: string; processes: { pid: number }[] };
const state = async () =>
  Object.fromEntries(
    (await hive.json<App[]>(['ls'])).map((app) => [app.name, `${app.status} ${app.processes.length > 0}`] as const),
  );

test('autostart: false adds the app stopped; hive start <name> starts it; the file started again leaves it', async () => {
  const ticker = daemonFixture('ticker.sh');
  const apps = [
    { name: 'job', script: ticker, autostart: false },
    { name: 'web', script: ticker },
  ];
  const file = hive.writeConfig(apps, 'ecosystem.config.js');
  const started = await hive.json<App[]>(['start', file]);
  assert.deepEqual(
    started.map((app) => [app.name, app.status]),
    [
      ['job', 'stopped'],
      ['web', 'online'],
    ],
  );
  assert.deepEqual(await state(), { job: 'stopped false', web: 'online true' });
  await hive.json(['start', file]);
  assert.deepEqual(await state(), { job: 'stopped false', web: 'online true' });

  await hive.json(['start', 'job']);
  assert.deepEqual(await state(), { job: 'online true', web: 'online true' });
  // Running, it restarts with the file as the others do.
  const again = await hive.json<App[]>(['start', file]);
  assert.deepEqual(
    again.map((app) => app.status),
    ['online', 'online'],
  );

  // --no-autostart, on a script.
  const [added] = await hive.json<App[]>(['start', ticker, '--name', 'later', '--no-autostart']);
  assert.equal(added!.status, 'stopped');
  assert.deepEqual(added!.processes, []);

  // As PM2's dump keeps autostart: false, a resurrect adds such apps stopped, whatever they were.
  await hive.json(['save']);
  assert.equal((await hive.run(['kill'])).code, 0);
  await hive.json(['resurrect']);
  assert.deepEqual(await state(), { job: 'stopped false', web: 'online true', later: 'stopped false' });
});

test('an app added with autostart: false and a cron schedule is started by its first tick', async () => {
  const apps = [{ name: 'tick', script: daemonFixture('ticker.sh'), autostart: false, cron_restart: '* * * * * *' }];
  const file = hive.writeConfig(apps, 'cron.config.js');
  const [added] = await hive.json<App[]>(['start', file]);
  assert.equal(added!.status, 'stopped');
  await waitFor(async () => (await state()).tick === 'online true', 'the cron tick to start the app');
});
