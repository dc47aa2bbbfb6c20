// PM2 parity: `pm2 stop|delete ecosystem.config.js` act on the app names of the file; an option Hive would refuse at
// start (an unknown key, a bad value) must not keep the apps from being stopped or deleted.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';
import { requestOf } from './home-processes.js';

const hive = tempHome();
const dir = hive.dir;

type App = { name: string; status: string };
const probe = daemonFixture('env-probe.sh');
const fileName = 'ecosystem.config.js';
const file = join(dir, fileName);
// Each app's status, from the daemon's `ls` (what `hive ls --json` prints) on a connection of the test's: a CLI run for
// each look proved no more.
const statuses = async () =>
  Object.fromEntries((await requestOf<App[]>(hive.home, 'ls')).map((app) => [app.name, app.status] as const));

// An app no file names, which each stop or delete of a file must leave online: the first of this home's daemon, so
// app 0 (an app named "0" must not be taken for it).
let otherId: number | undefined;
before(async () => {
  const [other] = await hive.json<{ id: number }[]>(['start', daemonFixture('ticker.sh'), '--name', 'other']);
  otherId = other!.id;
});

test('hive stop and delete <config> need only the app names of the file', async () => {
  const apps = [
    { name: 'one', script: probe, interpreter: 'none' },
    { name: 'two', script: probe, interpreter: 'none' },
  ];
  hive.writeConfig(apps, fileName);
  await hive.json(['start', file]);
  // Edited since: a key Hive does not know, a value it refuses, an app named after its script (as PM2 names it), and
  // one named `all`, which no app can be: not every app's target.
  const edited = [
    { ...apps[0], bogus: 1 },
    { ...apps[1], instances: 'lots' },
    { script: join(dir, 'env-probe.sh'), interpreter: 'none' },
    { name: 'all', script: probe },
  ];
  hive.writeConfig(edited, fileName);
  const refused = await hive.run(['start', file]);
  assert.equal(refused.code, 2, 'a start still checks every key');

  const stopped = await hive.run(['stop', file, '--only', 'two', '--json']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.deepEqual(await statuses(), { one: 'online', two: 'stopped', other: 'online' });
  const all = await hive.run(['stop', file]);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(await statuses(), { one: 'stopped', two: 'stopped', other: 'online' });
  const deleted = await hive.run(['delete', file]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /^deleted one, two$/m);
  assert.deepEqual(await statuses(), { other: 'online' });
});

test('a config file with no app names, or that cannot be read, is still ERR_HIVE_CONFIG naming it (exit 2)', async () => {
  const cases = {
    'nameless.config.js': 'module.exports = { apps: [{ interpreter: "none" }, { name: 7 }] };\n',
    'noapps.config.js': 'module.exports = { name: "one" };\n',
    'broken.config.js': 'module.exports = { apps: [ };\n',
    'broken.json': '{ "apps": [ }',
  };
  for (const [name, text] of Object.entries(cases)) {
    const path = join(dir, name);
    writeFileSync(path, text);
    for (const command of ['stop', 'delete', 'reset']) {
      const result = await hive.run([command, path]);
      assert.equal(result.code, 2, `${command} ${name}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^hive ${command}: ERR_HIVE_CONFIG: ${path.replace(/\./g, '\\.')}: `));
    }
  }
  assert.deepEqual(await statuses(), { other: 'online' });
});

test('hive stop and reset <config> of apps the daemon does not have, or of a file not there: ERR_HIVE_APP_NOT_FOUND naming it', async () => {
  const config = hive.writeConfig(
    [
      { name: 'never-one', script: probe, interpreter: 'none' },
      { name: 'never-two', script: probe, interpreter: 'none' },
    ],
    'never.config.json',
  );
  const missing = join(dir, 'nowhere', 'ecosystem.config.js');
  for (const command of ['stop', 'reset']) {
    const none = await hive.run([command, config]);
    assert.equal(none.code, 1, `${command}: ${none.stderr}`);
    assert.equal(
      none.stderr,
      `hive ${command}: ERR_HIVE_APP_NOT_FOUND: no app of ${config} is there ("never-one", "never-two"); see \`hive ls\`\n`,
    );
    // With another target, resolved together (onSeveral): the same error, and the other target still taken.
    const several = await hive.run([command, config, 'other', '--json']);
    assert.equal(several.code, 1, `${command}: ${several.stderr}`);
    assert.match(
      several.stderr,
      /ERR_HIVE_APP_NOT_FOUND: no app of .*never\.config\.json is there \("never-one", "never-two"\)/,
    );
    const gone = await hive.run([command, missing]);
    assert.equal(gone.code, 1, `${command}: ${gone.stderr}`);
    assert.equal(
      gone.stderr,
      `hive ${command}: ERR_HIVE_APP_NOT_FOUND: no app named or numbered ${JSON.stringify(missing)}; ` +
        `nor is there a config file at ${missing}; see \`hive ls\`\n`,
    );
  }
  // The stop of `other` with the file: started again, as every other test here needs it online.
  assert.deepEqual(await statuses(), { other: 'stopped' }, 'nothing started, nothing else touched');
  await hive.json(['restart', 'other']);
});

test('hive stop and reset <config> with one of its apps there and one not: that one is taken, exit 0', async () => {
  const there = { name: 'half-there', script: probe, interpreter: 'none' };
  const config = hive.writeConfig([there], 'half.config.json');
  await hive.json(['start', config]);
  hive.writeConfig([there, { name: 'half-gone', script: probe, interpreter: 'none' }], 'half.config.json');
  const stopped = await hive.run(['stop', config, '--json']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.equal(stopped.stderr, '');
  assert.deepEqual(
    (JSON.parse(stopped.stdout) as App[]).map((app) => [app.name, app.status]),
    [['half-there', 'stopped']],
  );
  const reset = await hive.run(['reset', config, '--json']);
  assert.equal(reset.code, 0, reset.stderr);
  assert.deepEqual(
    (JSON.parse(reset.stdout) as App[]).map((app) => app.name),
    ['half-there'],
  );
  assert.deepEqual(await statuses(), { other: 'online', 'half-there': 'stopped' }, 'half-gone not started');
  assert.equal((await hive.run(['delete', 'half-there'])).code, 0);
});

test('hive stop and delete <config> match the apps of the file by name only: an app named "0" is not app 0', async () => {
  // `other`, started first in this home (before), is app 0.
  assert.equal(otherId, 0);
  const config = hive.writeConfig([{ name: '0', script: probe, interpreter: 'none' }], 'digits.json');
  const [zero] = await hive.json<{ id: number }[]>(['start', config]);
  assert.notEqual(zero!.id, 0);

  const stopped = await hive.run(['stop', config]);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.deepEqual(await statuses(), { other: 'online', 0: 'stopped' });
  const deleted = await hive.run(['delete', config]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, 'deleted 0\n');
  assert.deepEqual(await statuses(), { other: 'online' });
});

test('hive stop <config> refused at a key runs a JavaScript or TypeScript config file once', async () => {
  for (const ext of ['mjs', 'ts']) {
    const counter = join(dir, `evaluations-${ext}`);
    // TypeScript config files are hive.config.ts only.
    const config =
      ext === 'ts' ? join(mkdtempSync(join(dir, 'ts-')), 'hive.config.ts') : join(dir, 'counted.config.mjs');
    const write = (extra: string) =>
      writeFileSync(
        config,
        `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(counter)}, 'x');\n` +
          `export default { apps: [{ name: 'counted-${ext}', script: ${JSON.stringify(probe)}, interpreter: 'none'${extra} }] };\n`,
      );
    write('');
    await hive.json(['start', config]);
    write(', bogus: 1');
    const before = readFileSync(counter, 'utf8').length;
    const stopped = await hive.run(['stop', config]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(readFileSync(counter, 'utf8').length - before, 1, `.${ext}: evaluated once`);
    assert.equal((await hive.run(['delete', `counted-${ext}`])).code, 0);
  }
});

// A file that is one app (1025ef0), or `apps` as one object, or PM2's older `pm2` key: stop and delete refused such a
// file with a key a start refuses (ERR_HIVE_CONFIG), where one with an `apps` list was stopped by its names.
test('hive stop and delete <config> read the names of a file in each shape PM2 reads', async () => {
  const shapes = {
    'single.config.js': (app: object) => app,
    'object.config.js': (app: object) => ({ apps: app }),
    'older.config.js': (app: object) => ({ pm2: [app] }),
  };
  for (const [name, shape] of Object.entries(shapes)) {
    const path = join(dir, name);
    const app = { name: `shape-${name.split('.')[0]}`, script: probe, interpreter: 'none' };
    writeFileSync(path, `module.exports = ${JSON.stringify(shape(app))};\n`);
    await hive.json(['start', path]);
    writeFileSync(path, `module.exports = ${JSON.stringify(shape({ ...app, bogus: 1 }))};\n`);
    // --json: the app as the stop left it, without a listing after it.
    const stopped = await hive.run(['stop', path, '--json']);
    assert.equal(stopped.code, 0, `${name}: ${stopped.stderr}`);
    const listed = JSON.parse(stopped.stdout.trim().split('\n').at(-1)!) as App[];
    assert.deepEqual(
      listed.map((one) => [one.name, one.status]),
      [[app.name, 'stopped']],
      name,
    );
    const deleted = await hive.run(['delete', path]);
    assert.equal(deleted.code, 0, `${name}: ${deleted.stderr}`);
    assert.equal(deleted.stdout, `deleted ${app.name}\n`);
  }
  // One that fails to load says which file and why.
  const path = join(dir, 'single.config.js');
  for (const [text, cause] of [
    [`module.exports = { name: 'x', script: ${JSON.stringify(probe)},\n`, /failed to load: .*\(line 2\)/],
    ["throw new Error('no DATABASE_URL');\n", /failed to load: no DATABASE_URL/],
  ] as const) {
    writeFileSync(path, text);
    for (const command of ['stop', 'delete']) {
      const result = await hive.run([command, path]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^hive ${command}: ERR_HIVE_CONFIG: ${path.replace(/\./g, '\\.')}: `));
      assert.match(result.stderr, cause);
    }
  }
});
