// A config-file app whose script is not there is refused up front, as a missing script on the command line is: exit 2
// with ERR_HIVE_CONFIG naming the file, the app and the key, before the daemon is asked, and none of the file started.
// It used to reach the daemon: the other apps started and this one sat errored, exit 1.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('every command that starts a config file refuses an app with a missing script, and starts none of the file', async () => {
  const file = join(hive.dir, 'ecosystem.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'good', script: appFixture, instances: 1 },
        { name: 'bad', script: './missing.js', instances: 1 },
      ],
    }),
  );
  for (const command of ['start', 'startOrReload', 'startOrRestart', 'reload', 'restart']) {
    const result = await hive.run([command, file]);
    assert.equal(result.code, 2, `${command}: ${result.stderr}`);
    const line = result.stderr.split('\n')[0]!;
    assert.match(line, new RegExp(`^hive ${command}: ERR_HIVE_CONFIG: `), command);
    assert.ok(line.includes(`${file}: apps[1] (bad).script: `), line);
    assert.ok(line.includes(`${join(hive.dir, 'missing.js')} does not exist`), line);
  }
  assert.equal(await hive.daemonPid(), undefined, 'refused before the daemon was asked');

  // Only the apps picked are checked; a fork-mode app's bare name is a program on PATH, as PM2 takes it.
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'good', script: appFixture, instances: 1, autostart: false },
        { name: 'tool', script: 'sleep', args: '60', autostart: false },
        { name: 'bad', script: './missing.js', instances: 1 },
      ],
    }),
  );
  const apps = await hive.json<{ name: string }[]>(['start', file, '--only', 'good,tool']);
  assert.deepEqual(
    apps.map((app) => app.name),
    ['good', 'tool'],
  );
});
