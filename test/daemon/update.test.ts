import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { doneSteps, inTerminal, ptySkip } from '../cli/pty.js';
import { appFixture, daemonFixture, HiveHome, hiveBin, isAlive, tempHome, waitFor } from './helpers.js';
import { olderBuild as olderCopy } from './older-build.js';

const hive = tempHome();
const older = join(hive.dir, 'older');

type App = { name: string; mode: string; status: string; ready: number; total: number; processes: { pid: number }[] };

/**
 * An older build of this version (older-build.ts: its protocol has no `flush`) whose daemon gives the advice of
 * before `hive update`. With `dumpVersion`, one whose dump format is another (a newer Hive's, after a downgrade).
 */
function olderBuild(older: string, dumpVersion?: number): string {
  return olderCopy(older, (dist) => {
    // Its daemon advises what its own CLI had before `hive update` existed: this CLI must give its own advice.
    const errors = join(dist, 'daemon/errors.js');
    const advice = readFileSync(errors, 'utf8');
    assert.ok(advice.includes('stop the daemon (its apps'), "the built errors module has the daemon's advice");
    writeFileSync(errors, advice.replace('stop the daemon (its apps', 'run `hive kill` (its apps'));
    if (dumpVersion !== undefined) {
      const table = join(dist, 'daemon/dump.js');
      const source = readFileSync(table, 'utf8');
      assert.ok(source.includes('const DUMP_VERSION = 1;'), 'the built dump module has version 1');
      writeFileSync(table, source.replace('const DUMP_VERSION = 1;', `const DUMP_VERSION = ${dumpVersion};`));
    }
  });
}

async function runWith(bin: string, args: string[], home = hive) {
  const result = await home.run(args, { bin });
  assert.equal(result.code, 0, `older hive ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as unknown;
}

test("hive update moves the apps of an older build's daemon to a daemon of this build", async () => {
  const olderHive = olderBuild(older);
  const pids: number[] = [];
  for (const args of [
    ['start', appFixture, '-i', '2', '--name', 'api'],
    ['start', daemonFixture('ticker.sh'), '--name', 'ticker'],
  ]) {
    const [app] = (await runWith(olderHive, [...args, '--json'])) as App[];
    assert.equal(app!.status, 'online');
    pids.push(...app!.processes.map((p) => p.pid));
  }
  for (const pid of pids) hive.pids.add(pid);
  const olderDaemon = (await runWith(olderHive, ['version', '--json'])) as { daemonPid: number; protocol: string };
  hive.pids.add(olderDaemon.daemonPid);

  // This build's CLI is refused, and told the way out.
  const refused = await hive.run(['ls']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /ERR_HIVE_DAEMON_VERSION: .*run `hive update`/);

  const update = await hive.run(['update', '--json']);
  assert.equal(update.code, 0, update.stderr);
  const result = JSON.parse(update.stdout) as { saved: string[]; killed: number; pid: number; apps: App[] };
  assert.deepEqual(result.saved, ['api', 'ticker']);
  assert.equal(result.killed, olderDaemon.daemonPid);
  await waitFor(() => !isAlive(olderDaemon.daemonPid), 'the older daemon to exit');
  for (const pid of pids) await waitFor(() => !isAlive(pid), `the older daemon's process ${pid} to exit`);

  const version = await hive.json<{
    daemonPid: number;
    mismatch: boolean;
    daemonProtocol: string;
    daemonNode: string;
  }>(['version']);
  assert.equal(version.mismatch, false);
  assert.equal(version.daemonPid, result.pid);
  // The Node.js its apps run on: this CLI's here, as the update ran under it.
  assert.equal(version.daemonNode, process.version);
  assert.match(
    (await hive.run(['version'])).stdout,
    new RegExp(`^daemon: .* \\(pid ${result.pid}, Node\\.js ${process.version.replaceAll('.', '\\.')}\\)$`, 'm'),
  );
  assert.notEqual(version.daemonProtocol, olderDaemon.protocol);
  const apps = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    apps.map((app) => [app.name, app.mode, app.status, app.ready, app.total]),
    [
      ['api', 'cluster', 'online', 2, 2],
      ['ticker', 'fork', 'online', 1, 1],
    ],
  );
  // This build's protocol: a command the older one did not have works.
  const flushed = await hive.json<{ apps: { name: string }[] }>(['flush']);
  assert.deepEqual(flushed.apps.map((app) => app.name).sort(), ['api', 'ticker']);
});

// The apps are down from the old daemon's stop to the new one's resurrect: on a terminal each app is said as it is back,
// as `hive resurrect` says it (resurrect-stopped.test.ts); piped, nothing. The daemon the test above updated to, updated
// again: this build's by this build.
test('hive update on a terminal says each app it resurrects as it is done; piped, nothing', {
  skip: ptySkip,
}, async () => {
  const output = await inTerminal(120, ['update'], { HIVE_HOME: hive.home });
  assert.deepEqual(
    doneSteps(output).sort(),
    ['resurrect api: done ', 'resurrect ticker: done '],
    JSON.stringify(output),
  );
  const piped = await hive.run(['update']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(!/: done \(/.test(piped.stderr + piped.stdout), piped.stderr);
  assert.match(piped.stdout, /^saved 2 app\(s\) to /);
  assert.match(piped.stdout, /^\d+\s+api\s.*\n\d+\s+ticker\s/m);
  await hive.daemonPid();
  for (const app of await hive.json<App[]>(['ls'])) for (const p of app.processes) hive.pids.add(p.pid);
});

test('hive update with no daemon running starts nothing and says so', async () => {
  const other = new HiveHome();
  try {
    const update = await other.run(['update']);
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /no daemon running/);
    assert.equal(await other.daemonPid(), undefined);
  } finally {
    await other.cleanup();
  }
});

// A daemon of `newerHive` (a build of a newer dump format) in `other`, running ticker.sh as `tick`; its pids are
// the home's to clean up.
async function newerDaemonWithTick(newerHive: string, other: HiveHome): Promise<{ daemonPid: number }> {
  const [app] = (await runWith(
    newerHive,
    ['start', daemonFixture('ticker.sh'), '--name', 'tick', '--json'],
    other,
  )) as App[];
  const daemon = (await runWith(newerHive, ['version', '--json'], other)) as { daemonPid: number };
  other.pids.add(daemon.daemonPid);
  for (const p of app!.processes) other.pids.add(p.pid);
  return daemon;
}

test('hive update leaves a daemon running whose dump this build cannot read (a newer one, after a downgrade)', async () => {
  const other = new HiveHome();
  const newer = join(other.dir, 'newer');
  try {
    const newerHive = olderBuild(newer, 2);
    // A dump this build reads, saved before: the update must not replace it with one it cannot read.
    await other.json(['start', daemonFixture('ticker.sh'), '--name', 'mine']);
    await other.json(['save']);
    await other.json(['kill']);
    const dump = join(other.home, 'dump.json');
    const readable = readFileSync(dump, 'utf8');
    const daemon = await newerDaemonWithTick(newerHive, other);

    const update = await other.run(['update']);
    assert.equal(update.code, 1, update.stderr);
    assert.match(
      update.stderr,
      /^hive update: ERR_HIVE_DUMP_INVALID: .*version: expected 1, got 2; the daemon \(pid \d+\) and its apps are left running, and .*dump\.json is back as it was/,
    );
    assert.equal(readFileSync(dump, 'utf8'), readable, 'the dump this build reads is kept');
    assert.deepEqual(
      readdirSync(other.home).filter((name) => name.startsWith('dump.json')),
      ['dump.json'],
    );
    assert.ok(isAlive(daemon.daemonPid), 'the daemon still runs');
    const apps = (await runWith(newerHive, ['ls', '--json'], other)) as App[];
    assert.deepEqual(
      apps.map((a) => [a.name, a.status]),
      [['tick', 'online']],
    );
  } finally {
    await runWith(join(newer, 'dist/cli/hive.js'), ['kill'], other).catch(() => {});
    await other.cleanup();
  }
});

const strace = spawnSync('strace', ['-V']).status === 0;

/**
 * `hive update` in `home` under strace (where there is one, else plainly): its result, and the fsync and rename calls
 * of its process and threads (fs/promises runs them on libuv's), each fd written with its path (`-y`), in order.
 */
function updateTraced(home: HiveHome): { code: number | null; stderr: string; calls: string[] | undefined } {
  const env = { ...process.env, HIVE_HOME: home.home };
  if (!strace) {
    const plain = spawnSync(process.execPath, [hiveBin, 'update'], { env, encoding: 'utf8' });
    return { code: plain.status, stderr: plain.stderr, calls: undefined };
  }
  const trace = join(home.dir, 'update.strace');
  const calls = 'trace=fsync,fdatasync,rename,renameat,renameat2';
  const args = ['-f', '-qq', '-y', '-e', calls, '-o', trace, process.execPath, hiveBin, 'update'];
  const traced = spawnSync('strace', args, { env, encoding: 'utf8' });
  return { code: traced.status, stderr: traced.stderr, calls: readFileSync(trace, 'utf8').split('\n') };
}

// The dump put back after a failed update was renamed over a symlinked dump.json (docs/cli.md: one the user links to a
// volume or a config repository is written through, the link kept): the link became a plain file, and its target kept
// the dump this build cannot read, for the next resurrect there. And it was renamed unflushed (the save flushes its
// own): a power cut soon after could leave an empty dump.json, the saved apps gone.
test('a failed hive update puts a symlinked dump.json back through the link, flushed, and keeps the link', async () => {
  const other = new HiveHome();
  const newer = join(other.dir, 'newer');
  try {
    const newerHive = olderBuild(newer, 2);
    await other.json(['start', daemonFixture('ticker.sh'), '--name', 'mine']);
    await other.json(['save']);
    await other.json(['kill']);
    const dump = join(other.home, 'dump.json');
    const target = join(other.dir, 'volume', 'dump.json');
    mkdirSync(dirname(target));
    renameSync(dump, target);
    symlinkSync(target, dump);
    const readable = readFileSync(target, 'utf8');
    await newerDaemonWithTick(newerHive, other);

    const update = updateTraced(other);
    assert.equal(update.code, 1, update.stderr);
    assert.match(update.stderr, /^hive update: ERR_HIVE_DUMP_INVALID: .*dump\.json is back as it was/);
    if (update.calls !== undefined) {
      // The put-back: a temporary beside the target renamed over it, after an fsync of that temporary.
      const renamed = update.calls.findIndex(
        (line) => /\brename(?:at2?)?\(/.test(line) && line.includes('.tmp"') && line.includes(`"${target}"`),
      );
      assert.notEqual(renamed, -1, update.calls.join('\n'));
      const temporary = /"([^"]+\.tmp)"/.exec(update.calls[renamed]!)![1]!;
      assert.ok(temporary.startsWith(`${target}.`), update.calls[renamed]);
      const flushed = update.calls.findIndex(
        (line) => /\bf(?:data)?sync\(\d+</.test(line) && line.includes(`<${temporary}>`),
      );
      assert.ok(
        flushed !== -1 && flushed < renamed,
        `no fsync of ${temporary} before its rename:\n${update.calls.join('\n')}`,
      );
    }
    assert.ok(lstatSync(dump).isSymbolicLink(), 'dump.json is still the link');
    assert.equal(readlinkSync(dump), target);
    assert.equal(readFileSync(target, 'utf8'), readable, 'the target holds the dump this build reads again');
    assert.deepEqual(
      readdirSync(dirname(target)).filter((name) => name.startsWith('dump.json')),
      ['dump.json'],
      'no temporary file left beside the target',
    );
  } finally {
    await runWith(join(newer, 'dist/cli/hive.js'), ['kill'], other).catch(() => {});
    await other.cleanup();
  }
});
