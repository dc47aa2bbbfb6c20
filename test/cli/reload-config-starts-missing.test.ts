// `pm2 reload ecosystem.config.js` reloads the file's apps PM2 has and starts the others ("Applications b not running,
// starting...", its _startJson; checked against pm2 7.0.4). `hive reload <config>` skipped them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('hive reload <config> reloads the apps the daemon has and starts the others', async () => {
  const app = (name: string) => ({ name, script: daemonFixture('ticker.sh'), env: { WHO: name } });
  const file = hive.writeConfig([app('a'), app('b')]);
  const [a] = await hive.json<AppInfo[]>(['start', file, '--only', 'a']);

  const result = await hive.run(['reload', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^hive reload: b not in the daemon, starting$/m);
  const apps = await hive.json<AppInfo[]>(['ls']);
  assert.deepEqual(apps.map((x) => [x.name, x.status]).sort(), [
    ['a', 'online'],
    ['b', 'online'],
  ]);
  assert.equal(apps.find((x) => x.name === 'a')!.id, a!.id, 'a was reloaded, not added again');

  // --only still narrows it, and --json reports both kinds: the reloaded app and the started one.
  await hive.json(['delete', 'b']);
  const reloaded = await hive.json<AppInfo[]>(['reload', file, '--only', 'b']);
  assert.deepEqual(
    reloaded.map((x) => x.name),
    ['b'],
  );
  assert.equal((await hive.json<AppInfo[]>(['ls'])).length, 2);
});

test('a start that fails is said, listed errored, and the other apps are still started (exit 1), as hive start <config> does', async () => {
  const broken = join(hive.dir, 'broken.js');
  writeFileSync(broken, "throw new Error('boom at import');\n");
  const ticker = (name: string) => ({ name, script: daemonFixture('ticker.sh') });
  const file = hive.writeConfig(
    [{ name: 'broken', script: broken, instances: 1, exec_mode: 'cluster' }, ticker('c')],
    'two.config.json',
  );
  const result = await hive.run(['reload', file, '--json']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^hive reload: ERR_HIVE_APP_OPERATION: app "broken": did not start/m);
  // The failed one listed too, as the failure left it: a script reading --json sees its state.
  const started = JSON.parse(result.stdout) as AppInfo[];
  assert.deepEqual(
    started.map((x) => [x.name, x.status]),
    [
      ['broken', 'errored'],
      ['c', 'online'],
    ],
  );
});
