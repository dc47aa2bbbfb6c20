// PM2's other names of the daemon commands (`pm2 list`, `status`, `show`, `info`, `del`) reach Hive's commands, so a
// PM2 user's habits and scripts work; an unknown command is still refused with exit 2.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('list and status are ls, show and info are describe, del is delete', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  for (const alias of ['list', 'status']) {
    const apps = await hive.json<{ name: string }[]>([alias]);
    assert.deepEqual(
      apps.map((app) => app.name),
      ['tick'],
      alias,
    );
  }
  for (const alias of ['show', 'info']) {
    const app = await hive.json<{ name: string; processes: unknown[] }>([alias, 'tick']);
    assert.equal(app.name, 'tick', alias);
  }
  const text = await hive.run(['list']);
  assert.match(text.stdout, /^id\s+name/);
  const deleted = await hive.json<{ name: string }[]>(['del', 'tick']);
  assert.deepEqual(
    deleted.map((app) => app.name),
    ['tick'],
  );
  assert.deepEqual(await hive.json(['ls']), []);
});

test('an unknown command is still refused, and the usage names the aliases', async () => {
  const result = await hive.run(['lst']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown command "lst"/);
  assert.match(result.stderr, /PM2's names work too: list, status \(ls\), show, info \(describe\), del \(delete\)/);
});
