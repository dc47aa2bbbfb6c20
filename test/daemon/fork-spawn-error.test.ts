// A fork-mode program that cannot be spawned at all (ENOENT, EACCES) cannot come up by retrying: the app is errored at
// once with the spawn error, and `hive start` says so, rather than showing online 0/0 through ten restarts.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

type App = {
  name: string;
  status: string;
  restarts: number;
  lastError: string | null;
  processes: { role: string; pid: number }[];
};
const describe = (name: string) => hive.json<App>(['describe', name]);

test('a config app whose program is not there: hive start refuses the file up front, naming the key', async () => {
  // Found before the daemon is asked, as for a script on the command line (start-config-missing-script.test.ts),
  // rather than an app added and errored at its spawn.
  const apps = [{ name: 'ghost', script: 'nosuchprog-hive-test', interpreter: 'none' }];
  const file = hive.writeConfig(apps, 'ecosystem.config.js');
  const started = await hive.run(['start', file]);
  assert.equal(started.code, 2, started.stdout);
  assert.match(
    started.stderr,
    /^hive start: ERR_HIVE_CONFIG: .*apps\[0\] \(ghost\)\.script: no file nosuchprog-hive-test here and no program of that name on PATH/,
  );
  assert.equal(await hive.run(['describe', 'ghost']).then((r) => r.code), 1, 'no app was added');
});

test('a script that is not executable, with --interpreter none: errored at once (EACCES)', async () => {
  const script = join(dir, 'plain.sh');
  copyFileSync(daemonFixture('ticker.sh'), script);
  chmodSync(script, 0o644);
  const started = await hive.run(['start', script, '--interpreter', 'none', '--name', 'plain']);
  assert.equal(started.code, 1, started.stdout);
  assert.match(started.stderr, /plain\.sh.*EACCES/s);
  assert.match((await describe('plain')).lastError ?? '', /EACCES/);
});

test('a program that can no longer be spawned when its process is restarted: errored at once, not after ten tries', async () => {
  const script = join(dir, 'later.sh');
  copyFileSync(daemonFixture('ticker.sh'), script);
  chmodSync(script, 0o755);
  await hive.json(['start', script, '--interpreter', 'none', '--name', 'later']);
  const [child] = (await describe('later')).processes.filter((p) => p.role !== 'primary');
  chmodSync(script, 0o644);
  process.kill(child!.pid, 'SIGKILL');
  await waitFor(async () => (await describe('later')).status === 'errored', 'the app errored');
  const app = await describe('later');
  assert.match(app.lastError ?? '', /cannot spawn .*later\.sh: .*EACCES/);
  assert.ok(app.restarts <= 1, `restarts: ${app.restarts}`);
});
