// PM2 >= 5's namespaces: an app's `namespace` (default `default`, `hive start --namespace`); a target that names no
// app names a namespace's apps, for stop, restart, reload, delete and start; ls shows it; save/resurrect keep it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

type App = { id: number; name: string; namespace: string; status: string };
const state = async () =>
  Object.fromEntries(
    (await hive.json<App[]>(['ls'])).map((app) => [app.name, `${app.namespace} ${app.status}`] as const),
  );
const names = (apps: App[]) => apps.map((app) => app.name).sort();

test('a namespace is a target of its apps; an app of that name wins, as in PM2', async () => {
  const ticker = daemonFixture('ticker.sh');
  const apps = [
    { name: 'a', script: ticker, namespace: 'jobs' },
    { name: 'b', script: ticker, namespace: 'jobs' },
    { name: 'c', script: ticker },
  ];
  const file = hive.writeConfig(apps, 'ecosystem.config.js');
  await hive.json(['start', file]);
  await hive.json(['start', ticker, '--name', 'd', '--namespace', 'web']);
  assert.deepEqual(await state(), {
    a: 'jobs online',
    b: 'jobs online',
    c: 'default online',
    d: 'web online',
  });
  const table = await hive.run(['ls']);
  assert.match(table.stdout, /^id +name +namespace +mode/);
  assert.match(table.stdout, /^\d+ +c +default +fork/m);
  assert.match((await hive.run(['describe', 'a'])).stdout, /^namespace +jobs$/m);

  assert.deepEqual(names(await hive.json<App[]>(['stop', 'jobs'])), ['a', 'b']);
  assert.deepEqual(await state(), { a: 'jobs stopped', b: 'jobs stopped', c: 'default online', d: 'web online' });
  // `hive start <namespace>` starts its apps again (PM2's restartExistingNameSpace).
  assert.deepEqual(names(await hive.json<App[]>(['start', 'jobs'])), ['a', 'b']);
  assert.deepEqual(await state(), { a: 'jobs online', b: 'jobs online', c: 'default online', d: 'web online' });
  assert.deepEqual(names(await hive.json<App[]>(['restart', 'default'])), ['c']);
  assert.deepEqual(names(await hive.json<App[]>(['reload', 'web'])), ['d']);
  // Several targets: a namespace among them, each app once.
  assert.deepEqual(names(await hive.json<App[]>(['stop', 'jobs', 'a', 'd'])), ['a', 'b', 'd']);

  // An app named like a namespace: the app, as PM2 looks names up first.
  await hive.json(['start', ticker, '--name', 'web', '--namespace', 'other']);
  assert.deepEqual(names(await hive.json<App[]>(['restart', 'web'])), ['web']);
  assert.equal((await state()).d, 'web stopped');

  // hive logs <namespace>, as pm2 logs <namespace>: its apps' lines only.
  const logs = await hive.run(['logs', 'jobs', '--lines', '1', '--out']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.deepEqual([...logs.stdout.matchAll(/^\[(\w+):\d+\]/gm)].map((match) => match[1]).sort(), ['a', 'b']);

  const unknown = await hive.run(['stop', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /ERR_HIVE_APP_NOT_FOUND/);
  // The commands of one app take no namespace.
  const describe = await hive.run(['describe', 'jobs']);
  assert.equal(describe.code, 1);
  assert.match(describe.stderr, /ERR_HIVE_APP_NOT_FOUND/);
  assert.match(describe.stderr, /"jobs"; it is a namespace \(a, b\), and this command takes one app/);

  // save and resurrect keep each app's namespace.
  await hive.json(['save']);
  assert.equal((await hive.run(['kill'])).code, 0);
  await hive.json(['resurrect']);
  assert.deepEqual(await state(), {
    a: 'jobs stopped',
    b: 'jobs stopped',
    c: 'default online',
    d: 'web stopped',
    web: 'other online',
  });

  assert.deepEqual(names(await hive.json<App[]>(['delete', 'jobs'])), ['a', 'b']);
  assert.deepEqual(Object.keys(await state()).sort(), ['c', 'd', 'web']);
});

test('--namespace is checked as a config key is: exit 2 naming the flag', async () => {
  const bad = await hive.run(['start', daemonFixture('ticker.sh'), '--name', 'x', '--namespace', 'all']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /ERR_HIVE_INVALID_ARGUMENT: --namespace "all": taken/);
});
