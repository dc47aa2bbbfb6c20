// An app whose primary cannot be spawned (its cwd removed since it was added, or made a file) fails its start with the
// reason, and is errored: the start used to wait for an 'exit' Node never emits for a process it could not spawn, which
// hung `hive start` and every stop, delete or kill of the daemon after it.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

type App = { name: string; status: string; lastError: string | null; processes: { pid: number }[] };
const describe = (name: string) => hive.json<App>(['describe', name]);

test('a cluster app whose cwd is gone: its start fails naming the cwd, the app is errored, later commands work', async () => {
  const cwd = join(hive.dir, 'site');
  mkdirSync(cwd);
  await hive.json(['start', appFixture, '-i', '1', '--name', 'gone'], { cwd });
  await hive.json(['stop', 'gone']);
  rmSync(cwd, { recursive: true });

  const started = await hive.run(['start', 'gone']);
  assert.equal(started.code, 1, started.stderr);
  assert.match(
    started.stderr,
    /ERR_HIVE_APP_OPERATION: .*did not start: cannot spawn its primary: its cwd .* does not/,
  );
  assert.ok(started.stderr.includes(`its cwd ${cwd} does not exist`), started.stderr);
  const app = await describe('gone');
  assert.equal(app.status, 'errored');
  assert.equal(app.lastError, `cannot spawn its primary: its cwd ${cwd} does not exist`);
  // daemon.log is at the home's top, not in logs/ (readLog's): read there, and shown to be the log that tells of it.
  const daemonLog = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  assert.match(daemonLog, /gone/);
  assert.doesNotMatch(daemonLog, /primary pid undefined/);

  const restarted = await hive.run(['restart', 'gone']);
  assert.equal(restarted.code, 1, 'a restart fails the same way, and returns');
  assert.equal((await hive.run(['stop', 'gone'])).code, 0);
  mkdirSync(cwd);
  const [again] = await hive.json<App[]>(['start', 'gone']);
  assert.equal(again!.status, 'online', 'started once its folder is back');
  assert.equal((await hive.run(['delete', 'gone'])).code, 0);
});

test('a fork-mode app whose cwd is now a file (a spawn error Node throws): the start fails, delete works', async () => {
  const cwd = join(hive.dir, 'job');
  mkdirSync(cwd);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'job'], { cwd });
  await hive.json(['stop', 'job']);
  rmSync(cwd, { recursive: true });
  writeFileSync(cwd, '');

  const started = await hive.run(['start', 'job']);
  assert.equal(started.code, 1, started.stderr);
  assert.ok(started.stderr.includes(`cannot spawn its primary: its cwd ${cwd} is not a directory`), started.stderr);
  assert.equal((await describe('job')).status, 'errored');
  assert.equal((await hive.run(['delete', 'job'])).code, 0);
  assert.equal((await hive.run(['kill'])).code, 0);
});
