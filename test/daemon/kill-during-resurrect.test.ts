// `hive kill` (or SIGTERM, systemd's stop) while `hive resurrect` starts the saved apps: the resurrect went on to the
// next app after the daemon had stopped every app, and that app's primary, forked as the daemon exited, ran on with
// no daemon (4 of 4 with 20 apps), serving and holding its port.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
import { appFixture, startNeedsDb, tempHome, waitFor } from './helpers.js';
import { homeProcesses } from './home-processes.js';

const hive = tempHome();

test('hive kill during a resurrect: the apps not reached yet are not started, and nothing outlives the daemon', async () => {
  const { dir } = await startNeedsDb(hive);
  await hive.json(['start', appFixture, '--name', 'later', '-i', '1', '--port', String(await freePort())]);
  await hive.json(['save']);
  assert.equal((await hive.run(['kill'])).code, 0);
  // The resurrect's start of `db` (its second try of all) neither fails nor serves: the kill comes during it, with
  // `later` still to come.
  writeFileSync(join(dir, 'hang'), '2');
  const resurrect = hive.run(['resurrect']);
  const tries = () => readFileSync(join(dir, 'tries'), 'utf8').trim().split('\n');
  await waitFor(() => tries().length === 2, 'the resurrect to start db');
  for (const pid of homeProcesses(hive.home)) hive.pids.add(pid);
  const killed = await hive.run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  await resurrect;
  await waitFor(() => homeProcesses(hive.home).length === 0, 'every process of the home to exit', 15_000);
  // The daemon of the resurrect: `later` came after the kill had begun, and was never started (before the fix it
  // was, and stopped again only when the daemon happened to stop its apps a second time after that).
  const log = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  const resurrected = log.slice(log.lastIndexOf(' listening on '));
  assert.match(resurrected, /db: primary pid \d+ started/);
  assert.doesNotMatch(resurrected, /later: primary pid \d+ started/, 'no app is started once the kill has begun');
});

// QA: `hive save` while the resurrect at boot was still starting the saved apps wrote only those started so far (4 of
// 20), and the next boot brought back only those.
test('hive save during a resurrect waits for it, and saves every app of the dump', async () => {
  // A home of its own: startNeedsDb's state folder is the home's.
  const hive = tempHome();
  // The resurrect's hung try waits out the listen timeout, so the save below waits longer than the client's 5 s bound
  // of a save (QUICK_REQUEST_TIMEOUT): the daemon's word every second that the save still waits keeps it from timing
  // out (without it, `ERR_HIVE_DAEMON_TIMEOUT`, as on CI's loaded machine with a 4 s listen timeout).
  const { dir } = await startNeedsDb(hive, ['--listen-timeout', '7s']);
  await hive.json(['start', appFixture, '--name', 'later', '-i', '1', '--port', String(await freePort())]);
  await hive.json(['save']);
  assert.equal((await hive.run(['kill'])).code, 0);
  writeFileSync(join(dir, 'tries'), '');
  // The resurrect's try of `db` hangs until its listen timeout; `later` comes after it.
  writeFileSync(join(dir, 'hang'), '1');
  const resurrect = hive.run(['resurrect']);
  await waitFor(() => readFileSync(join(dir, 'tries'), 'utf8').trim() !== '', 'the try of db');
  const saved = await hive.run(['save', '--json']);
  assert.equal(saved.code, 0, saved.stderr);
  assert.deepEqual((JSON.parse(saved.stdout) as { apps: string[] }).apps.sort(), ['db', 'later']);
  assert.equal((await resurrect).code, 0);
});
