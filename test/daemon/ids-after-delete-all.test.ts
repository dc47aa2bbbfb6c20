// PM2 numbers processes from 0 again once its last one is deleted (God.next_id = 0 in its ActionMethods.js), so that
// after `pm2 delete all` and a resurrect the idiom `process.env.pm_id === '0'` still elects a process. Hive's app ids
// (which pm_id is made of, cluster/pm-id.ts) went on counting: after delete all + resurrect, no process had pm_id 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
type App = { id: number; name: string };
const probe = daemonFixture('pm-id-probe.sh');
const ids = async () => (await hive.json<App[]>(['ls'])).map((app) => [app.name, app.id]);
const pmIds = (name: string) => [...hive.readLog(`${name}-out.log`).matchAll(/pm_id=(\S*)/g)].map((m) => m[1]);

test('ids count from 0 again once every app is deleted, and only then', async () => {
  await hive.json(['start', probe, '--name', 'a']);
  await hive.json(['start', probe, '--name', 'b']);
  await hive.json(['delete', 'a']);
  // One app left: a new app must not take an id in use or come back to b's.
  await hive.json(['start', probe, '--name', 'c']);
  assert.deepEqual(await ids(), [
    ['b', 1],
    ['c', 2],
  ]);
  await hive.json(['save']);
  await hive.json(['delete', 'all']);
  await hive.json(['resurrect']);
  assert.deepEqual(await ids(), [
    ['b', 0],
    ['c', 1],
  ]);
  // The leader idiom elects a process again: b's instance 0 is pm_id 0.
  await waitFor(() => pmIds('b').includes('0'), "b's process with pm_id 0");
  await hive.json(['delete', 'b']);
  await hive.json(['delete', 'c']);
  const [d] = await hive.json<App[]>(['start', probe, '--name', 'd']);
  assert.equal(d!.id, 0, 'deleting the last app one by one resets the ids too');
});
