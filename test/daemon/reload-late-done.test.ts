// A reload the daemon gives up on (its primary frozen past the control timeout: ERR_HIVE_PRIMARY_UNRESPONSIVE) marks
// the app `online (reload failed)`; the frozen primary still runs it once it goes on, and its `reload done` clears the
// mark, as a reload that answers in time does (docs/cli.md: "until a reload succeeds").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { freePort } from '../cluster/helpers.js';
import { type Described, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const described = () => hive.json<Described>(['describe', 'api']);
const workerPids = (app: Described) =>
  app.processes
    .filter((p) => p.role === 'worker')
    .map((p) => p.pid)
    .sort((a, b) => a - b);
const lsRow = async () => {
  const { stdout } = await hive.run(['ls'], { env: { COLUMNS: '200' } });
  return stdout.split('\n').find((line) => line.split(/\s+/).includes('api')) ?? '';
};

// One frozen reload for both: each waits out the daemon's control timeout (18 s here), and the late `reload done` clears
// the mark and takes the new environment in one step (managed-app.ts), so a second app, start and freeze proved nothing
// the first did not.
test('a reload reported unresponsive that the primary runs once it goes on clears `reload failed`; with --update-env the app keeps the new environment its processes run', async () => {
  const port = await freePort();
  // The daemon's bound for a reload's answer is 10 s over the slots' listen and kill timeouts, one more slot's worth
  // than the app has (control-timeout.ts): these short (a listen timeout of 1 s failed the start itself, now and then,
  // on a loaded machine), and one worker (a second slot was 4 s more to wait out, and proved nothing one does not).
  const { primary } = await startBlockedLoopApp(hive, port, ['--listen-timeout', '4s', '--kill-timeout', '100ms'], 1);
  const before = workerPids(await described());
  assert.equal(before.length, 1);
  const envOf = async () => (await hive.run(['env', 'api'])).stdout;
  assert.doesNotMatch(await envOf(), /^LATE_RELOAD_MARK=/m);
  process.kill(primary, 'SIGSTOP');
  try {
    // The same late reload with --update-env: its processes run the shell's new environment once the primary goes
    // on, so the app's record (`hive env`, what `hive save` writes, the next restart's) takes it then, as for a reload
    // answered in time. It stayed on the old one: a restart or resurrect went back to the environment the app no
    // longer ran.
    const reload = await hive.run(['reload', 'api', '--update-env'], { env: { LATE_RELOAD_MARK: 'new' } });
    assert.equal(reload.code, 1, `exit code (null: hung); stderr: ${reload.stderr}`);
    assert.match(reload.stderr, /ERR_HIVE_PRIMARY_UNRESPONSIVE: app "api"/);
    const failed = await described();
    assert.equal(failed.reloadFailed, true);
    assert.match(failed.lastError ?? '', /^reload failed: .*does not answer/);
    assert.equal(hive.readLog('../daemon.log').match(/api: reload done/g), null, 'no reload ran while frozen');
    assert.doesNotMatch(await envOf(), /^LATE_RELOAD_MARK=/m, "not the app's while the reload has not run");
  } finally {
    process.kill(primary, 'SIGCONT');
  }

  await waitFor(() => /api: reload done/.test(hive.readLog('../daemon.log')), 'the late reload to be done');
  const after = await waitFor(async () => {
    const app = await described();
    const workers = workerPids(app);
    return workers.length === 1 && workers.every((pid) => !before.includes(pid)) ? app : undefined;
  }, 'the worker replaced by the late reload');
  assert.ok(isAlive(primary), 'the same primary ran it');
  assert.equal(after.reloadFailed, false);
  assert.equal(after.lastError, null);
  assert.match(await lsRow(), /\bonline\b(?! \()/);
  const text = (await hive.run(['describe', 'api'])).stdout;
  assert.doesNotMatch(text, /reload failed/);

  const [worker] = workerPids(after);
  assert.match(readFileSync(`/proc/${worker}/environ`, 'utf8'), /(^|\0)LATE_RELOAD_MARK=new\0/);
  assert.match(await envOf(), /^LATE_RELOAD_MARK=new$/m);
  assert.equal((await hive.run(['save'])).code, 0);
  assert.match(readFileSync(join(hive.home, 'dump.json'), 'utf8'), /"LATE_RELOAD_MARK": ?"new"/);
});
