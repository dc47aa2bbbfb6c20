// PM2's dump keeps each app's status: `pm2 resurrect` (and `pm2 update`) bring a stopped app back stopped. Hive's
// started every saved app.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { doneSteps, inTerminal, ptySkip } from '../cli/pty.js';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

type App = { name: string; status: string; processes: { pid: number }[] };
const dump = join(hive.home, 'dump.json');
const statuses = (apps: App[]) => apps.map((app) => [app.name, app.status, app.processes.length > 0]);

test('a stopped app is saved as stopped, and hive update and resurrect bring it back registered, not running', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'up']);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'down']);
  await hive.json(['stop', 'down']);
  const updated = await hive.json<{ apps: App[] }>(['update']);
  assert.deepEqual(statuses(updated.apps), [
    ['up', 'online', true],
    ['down', 'stopped', false],
  ]);
  assert.deepEqual((JSON.parse(readFileSync(dump, 'utf8')) as { status: unknown }).status, {
    up: 'online',
    down: 'stopped',
  });
  await hive.json(['kill']);
  assert.deepEqual(statuses(await hive.json<App[]>(['resurrect'])), [
    ['up', 'online', true],
    ['down', 'stopped', false],
  ]);
  assert.deepEqual(statuses(await hive.json<App[]>(['ls'])), [
    ['up', 'online', true],
    ['down', 'stopped', false],
  ]);
  // Brought back stopped, it stays stopped in the next save (it was saved as online).
  await hive.json(['save']);
  assert.deepEqual((JSON.parse(readFileSync(dump, 'utf8')) as { status: unknown }).status, {
    up: 'online',
    down: 'stopped',
  });
  // Registered: a start by name runs it with its saved options.
  const [down] = await hive.json<App[]>(['start', 'down']);
  assert.deepEqual(statuses([down!]), [['down', 'online', true]]);
});

test('a dump from before statuses were saved brings every app back online', async () => {
  await hive.json(['stop', 'down']);
  await hive.json(['save']);
  const saved = JSON.parse(readFileSync(dump, 'utf8')) as { status?: unknown };
  delete saved.status;
  writeFileSync(dump, JSON.stringify(saved));
  await hive.json(['kill']);
  assert.deepEqual(statuses(await hive.json<App[]>(['resurrect'])), [
    ['up', 'online', true],
    ['down', 'online', true],
  ]);
});

// QA: resurrect started an app the daemon had stopped, and with the dump's settings in place of its newer ones (a
// secret rotated since the save went back to the old value). PM2 leaves every name of its list alone.
test('an app the daemon has stopped is left stopped by resurrect, with the settings it has', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'rotated'], { env: { SECRET: 'old' } });
  await hive.json(['save']);
  await hive.json(['restart', 'rotated', '--update-env'], { env: { SECRET: 'new' } });
  await hive.json(['stop', 'rotated']);
  const apps = await hive.json<(App & { resurrected: boolean })[]>(['resurrect']);
  const rotated = apps.find((app) => app.name === 'rotated')!;
  assert.deepEqual([rotated.status, rotated.resurrected], ['stopped', false]);
  const env = await hive.run(['env', 'rotated']);
  assert.match(env.stdout, /^SECRET=new$/m);
});

// A resurrect of many apps (a boot's, `hive startup`'s unit) said nothing until its table, where restart all says
// each app as it is done: on a terminal a line per app it starts; one saved stopped is not started, and gets none.
test('hive resurrect on a terminal says each app it starts as it is done; piped, nothing', {
  skip: ptySkip,
}, async () => {
  await hive.json(['start', 'rotated']);
  await hive.json(['stop', 'down']);
  await hive.json(['save']);
  await hive.json(['kill']);
  const output = await inTerminal(120, ['resurrect'], { HIVE_HOME: hive.home });
  assert.deepEqual(
    doneSteps(output).sort(),
    ['resurrect rotated: done ', 'resurrect up: done '],
    JSON.stringify(output),
  );
  // Piped: nothing, though it starts an app again.
  await hive.json(['delete', 'up']);
  const piped = await hive.run(['resurrect']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(!/: done \(/.test(piped.stderr + piped.stdout), piped.stderr);
  assert.match(piped.stdout, /^\d+\s+up\s/m);
});
