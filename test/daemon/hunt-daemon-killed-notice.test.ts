// After the daemon was SIGKILLed (or the OOM killer, a reboot), its apps stop with it, and the next command started a
// fresh daemon without a word: `hive ls` printed "No apps. Start one with ..." as if none had ever run, and nothing
// pointed at `hive resurrect`. The daemon.pid a daemon that did not exit left behind names it: the command that starts
// the next daemon says so on stderr, once; an orderly `hive kill` or `hive kill --force` leaves nothing to say.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, isAlive, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dump = join(hive.home, 'dump.json');
const notice = (pid: number, advice: boolean) =>
  `hive: the daemon (pid ${pid}) had ended without \`hive kill\` (killed: SIGKILL, the OOM killer, a reboot), and its apps with it; a new daemon runs${advice ? `: \`hive resurrect\` brings back the apps saved in ${dump}` : ''}\n`;

async function killDaemon(): Promise<number> {
  const pid = await hive.daemonPid();
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid), 'the daemon to die');
  return pid;
}

test('the command that starts a daemon in place of a killed one says so, once, and points at resurrect', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick', '-i', '1']);
  await hive.json(['save']);

  const killed = await killDaemon();
  const ls = await hive.run(['ls', '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(JSON.parse(ls.stdout), []);
  assert.equal(ls.stderr, notice(killed, true));
  // Said by the command that replaced it, not by every one after.
  const again = await hive.run(['ls', '--json']);
  assert.equal(again.stderr, '');

  // resurrect is the way back: it says what happened, not to run itself.
  const resurrected = await hive.run(['resurrect', '--json']);
  assert.equal(resurrected.code, 0, resurrected.stderr);
  assert.equal(resurrected.stderr, '');
  const killedAgain = await killDaemon();
  const back = await hive.run(['resurrect', '--json']);
  assert.equal(back.code, 0, back.stderr);
  assert.deepEqual(
    (JSON.parse(back.stdout) as App[]).map((app) => [app.name, app.resurrected]),
    [['tick', true]],
  );
  assert.equal(back.stderr, notice(killedAgain, false));
});

test('an orderly hive kill, or hive kill --force, leaves nothing for the next command to say', async () => {
  await hive.json(['ls']);
  const kill = await hive.run(['kill']);
  assert.equal(kill.code, 0, kill.stderr);
  const afterKill = await hive.run(['ls', '--json']);
  assert.equal(afterKill.stderr, '');

  const forced = await hive.run(['kill', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  const afterForce = await hive.run(['ls', '--json']);
  assert.equal(afterForce.stderr, '');
});

// A user who found the daemon dead and ran `hive kill` was told by the next command that it had ended "without `hive
// kill`": kill, finding no daemon, says what it found and leaves nothing for the next command to say.
test('hive kill that finds the daemon dead says so, and the next command does not say it again', async () => {
  await hive.json(['ls']);
  const killed = await killDaemon();
  const kill = await hive.run(['kill']);
  assert.equal(kill.code, 0, kill.stderr);
  assert.equal(kill.stdout, 'no daemon running\n');
  assert.equal(
    kill.stderr,
    `hive: the daemon (pid ${killed}) had ended without \`hive kill\` (killed: SIGKILL, the OOM killer, a reboot), and its apps with it\n`,
  );
  const after = await hive.run(['ls', '--json']);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stderr, '');
  await hive.run(['kill']);
});

// With nothing saved, the notice pointed at `hive resurrect` and a dump.json that did not exist (resurrect then said
// "nothing to resurrect").
test('without a dump, the notice does not point at hive resurrect', async () => {
  const bare = tempHome();
  await bare.json(['ls']);
  const pid = await bare.daemonPid();
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await waitFor(() => !isAlive(pid), 'the daemon to die');
  const ls = await bare.run(['ls', '--json']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(
    ls.stderr,
    `hive: the daemon (pid ${pid}) had ended without \`hive kill\` (killed: SIGKILL, the OOM killer, a reboot), and its apps with it; a new daemon runs\n`,
  );
  await bare.run(['kill']);
});

// Commands run at once (a deploy script's, a shell's and a monitor's) all read the killed daemon's daemon.pid before
// the daemon one of them started wrote its own, and each said the daemon had ended: the notice came two or three times.
test('three commands started together in place of a killed daemon: one of them says it had ended', async () => {
  await hive.json(['ls']);
  const killed = await killDaemon();
  const results = await Promise.all([0, 1, 2].map(() => hive.run(['ls', '--json'])));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const said = results.map((result) => result.stderr).filter((stderr) => stderr !== '');
  assert.deepEqual(said, [notice(killed, existsSync(dump))]);
  // Nor does the next command say it again.
  assert.equal((await hive.run(['ls', '--json'])).stderr, '');
  await hive.run(['kill']);
});

// A command takes the killed daemon's daemon.pid by renaming it to daemon.pid.claimed-<its pid>, then removes that:
// one killed in between left the claim file in the home for good.
test("the command that takes a killed daemon's pid file removes claims left by gone commands, not a running one's", async () => {
  await hive.json(['ls']);
  const exited = spawnSync(process.execPath, ['-e', '']);
  assert.equal(exited.status, 0);
  const gone = exited.pid;
  assert.ok(!isAlive(gone));
  const killed = await killDaemon();
  const claim = (pid: number) => join(hive.home, `daemon.pid.claimed-${pid}`);
  // What each would hold: the pid file it took.
  writeFileSync(claim(gone), `${killed}\n`);
  // This test's process runs: a command still between its rename and its removal, as far as the next one can tell.
  writeFileSync(claim(process.pid), `${killed}\n`);
  try {
    const ls = await hive.run(['ls', '--json']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stderr, notice(killed, existsSync(dump)));
    assert.ok(!existsSync(claim(gone)), 'the claim of a command that is gone is removed');
    assert.ok(existsSync(claim(process.pid)), 'the claim of a running command is left');
  } finally {
    rmSync(claim(process.pid), { force: true });
  }
  await hive.run(['kill']);
});

// The killed daemon's pid taken since by another program (pids wrap; a container's count from 1 after a restart) read
// as the daemon still running, and nothing was said. One that started after daemon.pid was written is not the daemon.
test("a killed daemon's pid that another program has taken since: the next command still says the daemon had ended", async () => {
  await hive.json(['ls']);
  await killDaemon();
  const pidFile = join(hive.home, 'daemon.pid');
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    assert.ok(other.pid);
    // As the daemon wrote it, a minute before the program at its pid started.
    writeFileSync(pidFile, `${other.pid}\n`);
    const written = new Date(Date.now() - 60_000);
    utimesSync(pidFile, written, written);
    const ls = await hive.run(['ls', '--json']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stderr, notice(other.pid, existsSync(dump)));

    // A running program that started before the file was written is the daemon, on its way out: nothing said.
    await killDaemon();
    writeFileSync(pidFile, `${other.pid}\n`);
    const quiet = await hive.run(['ls', '--json']);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
  } finally {
    other.kill('SIGKILL');
  }
  await hive.run(['kill']);
});
