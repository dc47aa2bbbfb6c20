// `hive describe` shows the script as a path from `/` (resolved against the app's cwd), as PM2's describe shows its
// `script path`: it printed a config's `./server.js` as written. A program found on PATH stays its name.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('hive describe prints the script resolved against the cwd; a PATH program as its name', async () => {
  const site = join(hive.dir, 'site');
  mkdirSync(site);
  copyFileSync(appFixture, join(site, 'server.js'));
  copyFileSync(daemonFixture('ticker.sh'), join(site, 'ticker.sh'));
  const apps = [
    { name: 'web', script: './server.js', cwd: 'site', instances: 1, autostart: false },
    { name: 'tick', script: 'ticker.sh', cwd: 'site', autostart: false },
    { name: 'tool', script: 'sleep', args: '60', autostart: false },
  ];
  const file = hive.writeConfig(apps);
  await hive.json(['start', file]);
  const scriptLine = async (name: string) => {
    const result = await hive.run(['describe', name]);
    assert.equal(result.code, 0, result.stderr);
    return /^script +(.*)$/m.exec(result.stdout)?.[1];
  };
  assert.equal(await scriptLine('web'), join(site, 'server.js'));
  assert.equal(await scriptLine('tick'), join(site, 'ticker.sh'));
  assert.equal(await scriptLine('tool'), 'sleep');
});
