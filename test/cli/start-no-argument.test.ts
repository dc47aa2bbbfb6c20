// `pm2 start` alone starts the ecosystem file of the current folder (PM2's docs: "Inside your source code working
// directory, you can add all of the applications with: pm2 start"). `hive start` alone was a usage error.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test("hive start with no argument starts the folder's config file, PM2's ecosystem.json too", async () => {
  const empty = join(hive.dir, 'empty');
  mkdirSync(empty);
  const none = await hive.run(['start'], { cwd: empty });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /^hive start: ERR_HIVE_INVALID_ARGUMENT: missing argument: with none, hive start starts /);
  assert.ok(none.stderr.includes(`there is none in ${empty}`), none.stderr);

  const project = join(hive.dir, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'ecosystem.json'),
    JSON.stringify({
      apps: [
        { name: 'api', script: appFixture, autostart: false },
        { name: 'jobs', script: appFixture, autostart: false },
      ],
    }),
  );
  const apps = await hive.json<{ name: string }[]>(['start', '--only', 'api'], { cwd: project });
  assert.deepEqual(
    apps.map((app) => app.name),
    ['api'],
  );
  // Arguments for a script with no script are still a missing argument.
  const args = await hive.run(['start', '--', 'x'], { cwd: project });
  assert.equal(args.code, 2, args.stderr);
  assert.match(args.stderr, /missing argument; see hive start --help/);
});
