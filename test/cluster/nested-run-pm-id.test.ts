// A `hive run` started from inside a daemon-managed app inherits the outer app's HIVE_APP_ID (the daemon gives it to
// its primary, whose processes inherit it). pm_id was then made of the outer app's id, not 0 for instance 0 as a
// `hive run` promises (docs/config.md#pm-id).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, isEvent, killAll, repliesByInstance, startHive } from './helpers.js';

after(killAll);

test('hive run numbers pm_id from 0 whatever HIVE_APP_ID it inherits', async () => {
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '2', '--port', String(port)], { HIVE_APP_ID: '3' });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const seen = await repliesByInstance(port, 2);
  assert.equal(seen.get('0')?.pmId, '0');
  assert.equal(seen.get('1')?.pmId, '2');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
