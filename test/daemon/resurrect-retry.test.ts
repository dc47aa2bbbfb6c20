// At boot, `hive resurrect` (the unit of `hive startup`) may start an app before what it needs is up (a database, a
// network mount). Hive left such an app errored, an outage until someone logged in; PM2 restarts it. Resurrect now
// tries a failed start again in the background with the app's restart backoff, and exits 0 saying so.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { inTerminal, ptySkip } from '../cli/pty.js';
import { daemonFixture, type HiveHome, tempHome, waitFor } from './helpers.js';
import { requestOf } from './home-processes.js';

const needsDb = daemonFixture('needs-db.cjs');

/** A folder for the fixture's state files: `fails` (starts still to fail), `hang` (the try that hangs), `tries`. */
function stateDir(hive: HiveHome, name: string): string {
  const dir = join(hive.dir, name);
  mkdirSync(dir);
  return dir;
}

const tries = (dir: string) => readFileSync(join(dir, 'tries'), 'utf8').trim().split('\n').length;

/**
 * `hive save` then `hive kill`, as the daemon's own requests (what those commands send) on connections of the test's,
 * and the wait for the daemon's exit that `hive kill` does: the machine is about to reboot. A CLI run apiece (a Node
 * start) proved nothing more here; what the commands print is save.test.ts's and kill's own tests'.
 */
async function saveAndKill(hive: HiveHome): Promise<void> {
  await requestOf(hive.home, 'save');
  const { pid } = await requestOf<{ pid: number }>(hive.home, 'kill');
  await waitFor(() => !isAlive(pid), 'the daemon to exit');
}

/**
 * Starts the apps (they serve: nothing fails yet) from a config file, each with its `keys` (its restart keys: `hive
 * start` has no flags for those) and its state folder, saves them and kills the daemon.
 */
async function savedThenKilled(hive: HiveHome, apps: Record<string, { dir: string; keys?: object }>): Promise<void> {
  const config = Object.entries(apps).map(([name, { dir, keys }]) => ({
    name,
    script: needsDb,
    args: [dir],
    exec_mode: 'cluster',
    instances: 1,
    ...keys,
  }));
  const file = hive.writeConfig(config, 'ecosystem.config.cjs');
  const started = await hive.json<App[]>(['start', file]);
  assert.deepEqual(
    started.map((app) => app.status),
    config.map(() => 'online'),
  );
  await saveAndKill(hive);
}

/** `hive resurrect --json`, which must exit 0: its stderr, and the apps it reports (`app`: the first). */
async function resurrect(hive: HiveHome): Promise<{ stderr: string; app: App; apps: App[] }> {
  const result = await hive.run(['resurrect', '--json']);
  // Before retries, the failed start was the command's failure (exit 1, no table).
  assert.equal(result.code, 0, result.stderr);
  const apps = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as App[];
  for (const p of apps.flatMap((app) => app.processes)) hive.pids.add(p.pid);
  return { stderr: result.stderr, app: apps[0]!, apps };
}

/** The app `name` as `hive ls --json` lists it: the daemon's `ls` on a connection of the test's (polled: no CLI run). */
async function appOf(hive: HiveHome, name = 'db'): Promise<App> {
  const apps = await requestOf<App[]>(hive.home, 'ls');
  const app = apps.find((one) => one.name === name);
  assert.ok(app, `app ${name} in ${JSON.stringify(apps.map((one) => one.name))}`);
  return app;
}

// On a terminal each app started is a line (resurrect-stopped.test.ts): one tried again in the background is not `done`.
test('hive resurrect on a terminal says an app it tries again in the background failed, and why', {
  skip: ptySkip,
}, async () => {
  const hive = tempHome();
  const dir = stateDir(hive, 'db');
  await savedThenKilled(hive, { db: { dir } });
  writeFileSync(join(dir, 'fails'), '1');
  const output = await inTerminal(160, ['resurrect'], { HIVE_HOME: hive.home });
  assert.match(output, /^resurrect db: failed \(\d+\.\d s\): .*DB not reachable yet/m, JSON.stringify(output));
  await waitFor(async () => (await appOf(hive)).status === 'online', 'db online after its retry');
});

test('resurrect tries a failed start again until the app serves, its restarts counted', async () => {
  const hive = tempHome();
  const dir = stateDir(hive, 'db');
  // The app's own backoff, short (the default START_RETRY_DELAY's 1 s then 1.5 s were waited out): the terminal and
  // `hive update` tests keep the default's.
  await savedThenKilled(hive, { db: { dir, keys: { exp_backoff_restart_delay: 100 } } });
  writeFileSync(join(dir, 'fails'), '2');

  const { stderr, app } = await resurrect(hive);
  assert.equal(app.status, 'starting');
  assert.match(app.lastError ?? '', /DB not reachable yet$/);
  assert.match(stderr, /app "db" did not start yet; trying again in the background: .*DB not reachable yet/);

  const online = await waitFor(async () => {
    const now = await appOf(hive);
    return now.status === 'online' ? now : undefined;
  }, 'the app to be online');
  assert.equal(online.restarts, 2);
  // The start before the save, then two failed tries and the one that serves.
  assert.equal(tries(dir), 4);
  assert.equal(readFileSync(join(dir, 'fails'), 'utf8'), '0');
  // The live views say why each restart was, as for a crash.
  const { apps } = await hive.json<HiveSnapshot>(['monit', 'db', '--once']);
  const texts = apps[0]!.events.filter((e) => e.type === 'primary').map((e) => e.text);
  const retried = texts.filter((t) =>
    /^primary \(pid \d+\) exited with code \d+; did not start; trying again in \d+ ms$/.test(t),
  );
  assert.equal(retried.length, 2, texts.join('\n'));
});

// Both cases, two apps of one daemon and one resurrect (a daemon apiece, booted twice, was most of their time): each is
// checked on its own, its own state folder counting its own tries.
test('an app that never starts is errored after its maxRestarts tries, its last error the reason (min_uptime 0 too)', async () => {
  const hive = tempHome();
  const apps = {
    db: { dir: stateDir(hive, 'db'), keys: { max_restarts: 2, restart_delay: 100 } },
    // min_uptime 0: a try that failed was never up, so it still counts (each one reset the count, for ever).
    db0: { dir: stateDir(hive, 'db0'), keys: { max_restarts: 2, restart_delay: 100, min_uptime: 0 } },
  };
  await savedThenKilled(hive, apps);
  for (const { dir } of Object.values(apps)) writeFileSync(join(dir, 'fails'), '100');

  const resurrected = await resurrect(hive);
  assert.deepEqual(
    resurrected.apps.map((app) => [app.name, app.status]),
    [
      ['db', 'starting'],
      ['db0', 'starting'],
    ],
  );
  for (const [name, { dir }] of Object.entries(apps)) {
    const errored = await waitFor(async () => {
      const now = await appOf(hive, name);
      return now.status === 'errored' ? now : undefined;
    }, `${name} to be errored`);
    assert.equal(errored.restarts, 2, name);
    assert.match(errored.lastError ?? '', /DB not reachable yet$/, name);
    assert.deepEqual(errored.processes, [], name);
    // The first try and maxRestarts more.
    assert.equal(tries(dir), 1 + 3, name);
    const described = await hive.run(['describe', name]);
    assert.match(described.stdout, /status\s+errored/, name);
    assert.match(described.stdout, /last error\s+.*DB not reachable yet/, name);
  }
});

test('a stop during a try, or a delete between tries, ends the tries', async () => {
  const hive = tempHome();
  const dir = stateDir(hive, 'db');
  await savedThenKilled(hive, { db: { dir, keys: { restart_delay: 100 } } });
  writeFileSync(join(dir, 'fails'), '100');
  // Try 1 was the start before the save, try 2 the resurrect's (it fails): try 3 is under way when the stop comes.
  writeFileSync(join(dir, 'hang'), '3');

  const { app } = await resurrect(hive);
  assert.equal(app.status, 'starting');
  await waitFor(() => tries(dir) === 3, 'the third try to be under way');
  // What `hive stop db` sends, on a connection of the test's.
  const [stopped] = await requestOf<App[]>(hive.home, 'stop', { target: 'db' });
  assert.equal(stopped!.status, 'stopped');
  // Ten times the delay between tries: a try scheduled or under way would have begun.
  await delay(1_000);
  const after = await appOf(hive);
  assert.deepEqual([after.status, after.processes], ['stopped', []]);
  assert.equal(tries(dir), 3);

  // Resurrected again, the app is retried from a fresh count; deleted while it waits for its next try.
  await saveAndKill(hive);
  writeFileSync(join(dir, 'hang'), '0');
  // Saved stopped, it would come back stopped: the dump says it runs.
  const dump = join(hive.home, 'dump.json');
  writeFileSync(dump, readFileSync(dump, 'utf8').replace('"db": "stopped"', '"db": "online"'));
  const again = await resurrect(hive);
  assert.equal(again.app.status, 'starting');
  await requestOf(hive.home, 'delete', { target: 'db' });
  const before = tries(dir);
  await delay(1_000);
  assert.deepEqual(await requestOf<App[]>(hive.home, 'ls'), []);
  assert.equal(tries(dir), before);
});

test('a fork-mode program that cannot be spawned yet (its mount not up) is tried again until it can be', async () => {
  const hive = tempHome();
  const script = join(stateDir(hive, 'mnt'), 'run.sh');
  writeFileSync(script, '#!/bin/sh\necho up\nexec sleep 1000\n');
  chmodSync(script, 0o755);
  const app = { name: 'mnt', script, interpreter: 'none', restart_delay: 100 };
  const file = hive.writeConfig([app], 'mnt.config.cjs');
  await hive.json(['start', file]);
  await saveAndKill(hive);
  // EACCES, as ENOENT would be: a spawn that fails, which `hive start` does not retry.
  chmodSync(script, 0o644);

  const { app: resurrected } = await resurrect(hive);
  assert.equal(resurrected.status, 'starting');
  assert.match(resurrected.lastError ?? '', /cannot spawn .*EACCES/);
  await waitFor(async () => (await appOf(hive, 'mnt')).restarts >= 2, 'a second try to fail');
  chmodSync(script, 0o755);
  await waitFor(async () => (await appOf(hive, 'mnt')).status === 'online', 'the app to be online');
  // Once before the save, once now.
  await waitFor(() => hive.readLog('mnt-out.log').match(/\[mnt:0\] up/g)?.length === 2, 'the program to run');
});

test('hive update resurrects the same way: an app that fails its start under the new daemon is tried again', async () => {
  const hive = tempHome();
  const dir = stateDir(hive, 'db');
  await hive.json(['start', needsDb, '--name', 'db', '-i', '1', '--', dir]);
  writeFileSync(join(dir, 'fails'), '1');
  const result = await hive.run(['update']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /hive update: app "db" did not start yet; trying again in the background: .*DB not reachable/,
  );
  await waitFor(async () => (await appOf(hive)).status === 'online', 'the app to be online');
});

// Its home and daemon are the next test's too.
const resurrectedHome = tempHome();

test('an app not tried again (autorestart false) that fails is listed errored; resurrect still exits 0 for the others', async () => {
  const hive = resurrectedHome;
  const once = stateDir(hive, 'once');
  const ok = stateDir(hive, 'ok');
  const apps = [
    { name: 'once', script: needsDb, args: [once], exec_mode: 'cluster', instances: 1, autorestart: false },
    { name: 'ok', script: needsDb, args: [ok], exec_mode: 'cluster', instances: 1 },
  ];
  const file = hive.writeConfig(apps, 'ecosystem.config.cjs');
  await hive.json(['start', file]);
  await saveAndKill(hive);
  writeFileSync(join(once, 'fails'), '1');
  const result = await hive.run(['resurrect', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const listed = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as App[];
  for (const p of listed.flatMap((app) => app.processes)) hive.pids.add(p.pid);
  assert.deepEqual(
    listed.map((app) => [app.name, app.status]),
    [
      ['once', 'errored'],
      ['ok', 'online'],
    ],
  );
  assert.match(result.stderr, /app "once" did not start \(not tried again\): .*DB not reachable yet/);
});

test('hive start of an app that fails at start still fails at once, not retried, its last error the reason', async () => {
  // The daemon the test before resurrected: a start needs no fresh one.
  const hive = resurrectedHome;
  const dir = stateDir(hive, 'db');
  writeFileSync(join(dir, 'fails'), '1');
  const started = await hive.run(['start', needsDb, '--name', 'db', '-i', '1', '--', dir]);
  assert.equal(started.code, 1);
  assert.match(started.stderr, /did not start: .*before it was ready\n\s+Error: DB not reachable yet/);
  const app = await appOf(hive);
  assert.equal(app.status, 'errored');
  // The error line the app printed, not the `}` that ends the error object console.error printed.
  assert.match(app.lastError ?? '', /before it was ready: Error: DB not reachable yet$/);
  assert.equal(tries(dir), 1);
});
