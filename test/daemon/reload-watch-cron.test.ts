// A config file's watch and cron settings are the daemon's own: `hive reload <file>` (and startOrReload) ignored a
// changed `watch` or `cron_restart`, with no warning, where a restart applied it (QA, watch mode). The reload now
// applies them at once: the watcher and the schedule start, change or stop with the file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../ports.js';
import { appFixture, type Described, pidOf, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const port = await freePort();
const watched = join(hive.dir, 'src');
mkdirSync(watched);
const config = (options: object) =>
  hive.writeConfig([{ name: 'w', script: appFixture, instances: 1, port, ...options }], 'ecosystem.config.js');
const described = () => hive.json<Described>(['describe', 'w']);

test('a reload of the file applies its new watch and cron_restart, and their removal', async () => {
  const file = config({ cron_restart: '0 3 * * *' });
  await hive.json(['start', file]);

  config({ watch: [watched], cron_restart: '0 5 * * *' });
  const added = await hive.run(['reload', file]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stderr, '');
  const app = await described();
  assert.deepEqual([app.watch, app.cronRestart], [[watched], '0 5 * * *']);
  assert.equal(new Date(app.nextCronRun!).getHours(), 5);
  // The watcher runs: a change reloads the app.
  const before = pidOf(app, 'worker');
  writeFileSync(join(watched, 'a.js'), '1');
  await waitFor(async () => pidOf(await described(), 'worker') !== before, 'a reload on the watched change');

  config({});
  const removed = await hive.run(['startOrReload', file]);
  assert.equal(removed.code, 0, removed.stderr);
  const bare = await described();
  assert.deepEqual([bare.watch, bare.cronRestart, bare.nextCronRun], [null, null, null]);
  const log = hive.readLog('../daemon.log');
  assert.match(log, /w: watch, cronRestart from .*ecosystem\.config\.js applied/);
  assert.match(log, /w: watch, cronRestart from .*ecosystem\.config\.js applied[\s\S]*w: watch, cronRestart from/);
});
