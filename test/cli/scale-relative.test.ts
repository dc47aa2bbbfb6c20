// PM2's `pm2 scale app +3` adds 3 processes and `-1` removes one; Hive refused `+N` and read `-1` as "cores minus
// one", a footgun for a PM2 user scaling down. Now +N / -N change the current count (never below 1), in cluster and
// fork mode; a count and `max` stay absolute.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
type App = { total: number; ready: number; processes: { role: string }[] };
const workers = (app: App) => app.processes.filter((p) => p.role === 'worker').length;

test('hive scale api +N / -N adds or removes processes from the count the app runs', async () => {
  await hive.json(['start', appFixture, '-i', '1', '--name', 'api']);
  const up = await hive.json<App>(['scale', 'api', '+2']);
  assert.deepEqual([up.total, up.ready], [3, 3]);
  const down = await hive.json<App>(['scale', 'api', '-1']);
  assert.deepEqual([down.total, down.ready], [2, 2]);
  // The new count is the app's: a restart keeps it, as after an absolute scale.
  const [restarted] = await hive.json<App[]>(['restart', 'api']);
  assert.equal(restarted!.total, 2);
});

test('a change that would leave no process is refused naming the count and what to run instead', async () => {
  const refused = await hive.run(['scale', 'api', '-2']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /ERR_HIVE_INVALID_ARGUMENT: app "api" runs 2 processes: -2 would leave none/);
  assert.match(refused.stderr, /`hive stop api`/);
  assert.equal((await hive.json<App>(['describe', 'api'])).total, 2, 'the app is left as it was');
  const one = await hive.json<App>(['scale', 'api', '-1']);
  assert.deepEqual([one.total, one.ready], [1, 1]);
});

test('a fork-mode app scales by a change too', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'ticker']);
  const up = await hive.json<App>(['scale', 'ticker', '+1']);
  assert.equal(workers(up), 2);
  const down = await hive.json<App>(['scale', 'ticker', '-1']);
  assert.equal(workers(down), 1);
});
