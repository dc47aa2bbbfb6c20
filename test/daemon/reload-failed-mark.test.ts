// A reload that fails (a replacement did not become ready) leaves the old processes serving the code they loaded, not
// the code on disk: the app stays `online`, so `hive ls` and `describe` say so (`online (reload failed)`, and why in
// `lastError`), whether the reload was asked by `hive reload` or by a watched file's change (which only the daemon's
// log told before). The next reload that succeeds clears both.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Pm2Process } from '../../dist/cli/pm2-process-list.js';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { appFixture, type Described, startWatchedApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const described = (name: string) => hive.json<Described>(['describe', name]);
const lsRow = async (name: string) => {
  const { stdout } = await hive.run(['ls'], { env: { COLUMNS: '200' } });
  return stdout.split('\n').find((line) => line.split(/\s+/).includes(name)) ?? '';
};
// What the live views (`hive monit`, the dashboard) and `hive jlist` have of the app.
const monitApp = async (name: string) => (await hive.json<HiveSnapshot>(['monit'])).apps.find((a) => a.name === name)!;
const jlistRow = async (name: string) =>
  (JSON.parse((await hive.run(['jlist'])).stdout) as Pm2Process[]).find((p) => p.name === name)!;
const failedMark =
  /^reload failed: .*Reload aborted at worker 0, old workers keep serving: .*this version does not start/;

test('a failed `hive reload` marks the app until a reload succeeds', async () => {
  const versionFile = join(hive.dir, 'manual-version');
  writeFileSync(versionFile, 'v1');
  await hive.json(['start', appFixture, '-i', '1', '--name', 'm', '--env', `APP_VERSION_FILE=${versionFile}`]);

  writeFileSync(versionFile, 'broken');
  const failed = await hive.run(['reload', 'm']);
  assert.notEqual(failed.code, 0, failed.stderr);
  const app = await described('m');
  assert.equal(app.status, 'online');
  assert.equal(app.reloadFailed, true);
  assert.match(app.lastError ?? '', failedMark);
  assert.doesNotMatch(app.lastError ?? '', /\n/, 'one line: the stderr tail is in the logs');
  assert.match(await lsRow('m'), /online \(reload failed\)/);
  const text = (await hive.run(['describe', 'm'])).stdout;
  assert.match(text, /^status\s+online \(reload failed\)$/m);
  assert.match(text, /^last error\s+reload failed: /m);
  const live = await monitApp('m');
  assert.deepEqual([live.state, live.reloadFailed], ['online', true]);
  assert.match(live.lastError ?? '', failedMark);
  const row = await jlistRow('m');
  assert.deepEqual([row.pm2_env.status, row.pm2_env.reload_failed], ['online', true]);

  writeFileSync(versionFile, 'v2');
  const fixed = await hive.run(['reload', 'm']);
  assert.equal(fixed.code, 0, fixed.stderr);
  const after = await described('m');
  assert.equal(after.reloadFailed, false);
  assert.equal(after.lastError, null);
  assert.match(await lsRow('m'), /\bonline\b(?! \()/);
  assert.equal((await monitApp('m')).reloadFailed, false);
  assert.equal((await jlistRow('m')).pm2_env.reload_failed, false);
});

test('--watch: a reload that fails on a saved change marks the app as `hive reload` does', async () => {
  const versionFile = await startWatchedApp(hive, 'w', join(hive.dir, 'src'));

  writeFileSync(versionFile, 'broken');
  const app = await waitFor(async () => {
    const info = await described('w');
    return info.reloadFailed ? info : undefined;
  }, 'the watch reload marked failed');
  assert.equal(app.status, 'online');
  assert.match(app.lastError ?? '', failedMark);
  assert.match(await lsRow('w'), /online \(reload failed\)/);

  writeFileSync(versionFile, 'v2');
  await waitFor(async () => {
    const info = await described('w');
    return !info.reloadFailed && info.lastError === null;
  }, 'the mark cleared by the reload that loads the fix');
  await waitFor(() => /\[w:0\] listening \d+ v2/.test(hive.readLog('w-out.log')), 'the fixed version serving');
});

test('`hive stop` clears the mark: a stopped app runs no older code, and its next start loads its files', async () => {
  const versionFile = join(hive.dir, 'stop-version');
  writeFileSync(versionFile, 'v1');
  await hive.json(['start', appFixture, '-i', '1', '--name', 's', '--env', `APP_VERSION_FILE=${versionFile}`]);
  writeFileSync(versionFile, 'broken');
  assert.notEqual((await hive.run(['reload', 's'])).code, 0);
  assert.equal((await described('s')).reloadFailed, true);

  const stopped = await hive.run(['stop', 's']);
  assert.equal(stopped.code, 0, stopped.stderr);
  const app = await described('s');
  assert.deepEqual([app.status, app.reloadFailed, app.lastError], ['stopped', false, null]);
  assert.match(await lsRow('s'), /\bstopped\b(?! \()/);
  assert.doesNotMatch((await hive.run(['describe', 's'])).stdout, /reload failed/);
  const live = await monitApp('s');
  assert.deepEqual([live.state, live.reloadFailed ?? false, live.lastError ?? null], ['stopped', false, null]);
  const row = await jlistRow('s');
  assert.deepEqual([row.pm2_env.status, row.pm2_env.reload_failed], ['stopped', false]);
});
