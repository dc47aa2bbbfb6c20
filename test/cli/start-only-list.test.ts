// `hive start <config> --only a,b`: PM2's way to pick several apps of an ecosystem file (it splits on commas and
// spaces), besides the repeated flag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

const app = (name: string) => ({ name, script: daemonFixture('ticker.sh'), interpreter: 'none' });
const config = hive.writeConfig([app('api'), app('worker'), app('cron')]);

test('--only takes a comma- or space-separated list of app names, as PM2 does', async () => {
  const started = await hive.json<{ name: string }[]>(['start', config, '--only', 'api,cron']);
  assert.deepEqual(
    started.map((a) => a.name),
    ['api', 'cron'],
  );
  const more = await hive.json<{ name: string }[]>(['start', config, '--only', 'worker ']);
  assert.deepEqual(
    more.map((a) => a.name),
    ['worker'],
  );
  await hive.json(['delete', 'all']);
  const spaced = await hive.json<{ name: string }[]>(['start', config, '--only', 'worker api']);
  assert.deepEqual(
    spaced.map((a) => a.name),
    ['api', 'worker'],
  );
  await hive.json(['delete', 'all']);
});

test('--only with a name the file does not have exits 2 naming it, and starts nothing', async () => {
  const result = await hive.run(['start', config, '--only', 'api,nope']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--only nope: .* has no app of that name/);
  assert.deepEqual(await hive.json(['ls']), []);
});
