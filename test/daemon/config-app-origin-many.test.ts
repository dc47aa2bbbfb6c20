// A deploy from a new file that takes many apps over from another file printed a warning line per app (39 of them
// hid anything else the command said): more than a few from one old file are one line, a few keep a line each.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

test('apps taken over from another config file: one line per old file past three apps, else a line each', async () => {
  const hive = tempHome();
  const file = (folder: string, name: string, apps: string[]) => {
    mkdirSync(join(hive.dir, folder), { recursive: true });
    copyFileSync(daemonFixture('ticker.sh'), join(hive.dir, folder, 'run.sh'));
    return hive.writeConfig(
      apps.map((app) => ({ name: app, script: 'run.sh', interpreter: 'none' })),
      `${folder}/${name}`,
    );
  };
  const many = ['s0', 's1', 's2', 's3'];
  const old = file('old', 'old.config.js', many);
  const few = file('few', 'few.config.js', ['t0']);
  const now = file('new', 'new.config.js', [...many, 't0']);
  await hive.json(['start', old]);
  await hive.json(['start', few]);
  const result = await hive.run(['start', now]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    result.stderr.split('\n').filter((line) => line.includes('warning:')),
    [
      `hive start: warning: 4 apps came from ${old}; ${now} now defines them: "s0", "s1", "s2" and 1 more`,
      `hive start: warning: app "t0" came from ${few}; ${now} now defines it`,
    ],
  );
});
