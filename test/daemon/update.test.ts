import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { appFixture, daemonFixture, HiveHome, isAlive, waitFor } from './helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const hive = new HiveHome();
const older = mkdtempSync(join(tmpdir(), 'hu-'));
after(async () => {
  await hive.cleanup();
  rmSync(older, { recursive: true, force: true });
});

type App = { name: string; mode: string; status: string; ready: number; total: number; processes: { pid: number }[] };

/** An older build of this version, as in protocol-revision.test.ts: its protocol has no `flush`. */
function olderBuild(): string {
  cpSync(join(root, 'dist'), join(older, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  cpSync(join(root, 'package.json'), join(older, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(older, 'node_modules'));
  const protocol = join(older, 'dist/daemon/protocol.js');
  const text = readFileSync(protocol, 'utf8');
  const flush = /^.*cmd: z\.literal\('flush'\).*\n/m;
  assert.match(text, flush, 'the built protocol module defines flush');
  writeFileSync(protocol, text.replace(flush, ''));
  // Its daemon advises what its own CLI had before `hive update` existed: this CLI must give its own advice.
  const errors = join(older, 'dist/daemon/errors.js');
  const advice = readFileSync(errors, 'utf8');
  assert.ok(advice.includes('run \\`hive update\\`'), 'the built errors module advises hive update');
  writeFileSync(errors, advice.replace('run \\`hive update\\`', 'run \\`hive kill\\`'));
  return join(older, 'dist/cli/hive.js');
}

async function runWith(bin: string, args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: tmpdir(),
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await outputOf(child, 90_000);
  assert.equal(result.code, 0, `older hive ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as unknown;
}

test("hive update moves the apps of an older build's daemon to a daemon of this build", async () => {
  const olderHive = olderBuild();
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

  const version = await hive.json<{ daemonPid: number; mismatch: boolean; daemonProtocol: string }>(['version']);
  assert.equal(version.mismatch, false);
  assert.equal(version.daemonPid, result.pid);
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
