import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { freePort } from '../cluster/helpers.js';
import { daemonFixture, HiveHome, hiveBin, waitFor } from '../daemon/helpers.js';

const root = new URL('../../', import.meta.url);
const api = new URL('examples/api/server.ts', root).pathname;
const artifacts = new URL('test-artifacts/', root).pathname;
const tmuxBin = '/usr/bin/tmux';
const WAIT = 20_000;

/** Why the tmux test is skipped, or false when it runs. */
function tmuxSkip(): string | false {
  if (existsSync(tmuxBin)) return false;
  if (process.env.CI) throw new Error(`${tmuxBin} is missing in CI: .ci/run must install tmux`);
  return `${tmuxBin} not found: install tmux (apt-get install tmux) to run hive monit in a real terminal`;
}

const hive = new HiveHome();
// A private tmux server (its own socket, no user config), so the test never touches anyone's sessions.
const socket = `hive-monit-${process.pid}`;
let appPort = 0;
let workerPids: number[] = [];

function tmux(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      tmuxBin,
      ['-L', socket, '-f', '/dev/null', ...args],
      { env: { ...process.env, HIVE_HOME: hive.home } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`tmux ${args[0]}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** The pid of a child process of `parent` (the command a tmux pane's shell runs), or undefined. */
async function childOf(parent: number): Promise<number | undefined> {
  const out = await new Promise<string>((resolve) =>
    execFile('ps', ['-o', 'pid=', '--ppid', String(parent)], (_error, stdout) => resolve(stdout)),
  );
  const pid = Number(out.trim().split(/\s+/)[0]);
  return pid > 0 ? pid : undefined;
}

/** `count` GETs over new connections (so round-robin spreads them over both processes), one in five on the pool. */
async function load(count: number, signal?: AbortSignal): Promise<number> {
  const agent = new Agent({ connections: 2 });
  let sent = 0;
  try {
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (sent < count && !signal?.aborted) {
          const path = sent++ % 5 === 0 ? '/compute?n=20' : '/';
          const { body } = await request(`http://127.0.0.1:${appPort}${path}`, { dispatcher: agent, reset: true });
          await body.text();
          await delay(20);
        }
      }),
    );
  } finally {
    await agent.close();
  }
  return sent;
}

before(async () => {
  appPort = await freePort();
  await hive.json(['start', api, '-i', '2', '--name', 'api', '--port', String(appPort)]);
  await hive.json(['start', daemonFixture('ticker.sh'), '-i', '1']);
  await hive.daemonPid();
  const described = await hive.json<{ processes: { role: string; pid: number; instance: number | null }[] }>([
    'describe',
    'api',
  ]);
  workerPids = described.processes
    .filter((p) => p.role === 'worker')
    .sort((a, b) => (a.instance ?? 0) - (b.instance ?? 0))
    .map((p) => p.pid);
  assert.equal(workerPids.length, 2);
});

after(async () => {
  await tmux('kill-server').catch(() => {});
  await hive.cleanup();
});

test('hive monit --once: one frame with the app and its 2 instance rows; --json the snapshot; no daemon: exit 1', async () => {
  const home = new HiveHome();
  try {
    const none = await home.run(['monit', '--once']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^hive monit: ERR_HIVE_DAEMON_NOT_RUNNING: /);
    assert.equal(none.stdout, '');
    assert.equal(await home.daemonPid(), undefined, 'monit starts no daemon');
  } finally {
    await home.cleanup();
  }

  const sent = await load(40);
  const served = (s: HiveSnapshot) =>
    s.apps
      .find((a) => a.name === 'api')!
      .instances.reduce((sum, i) => sum + (i.classes ?? []).reduce((a, b) => a + b, 0), 0);
  const snapshot = await waitFor(
    async () => {
      const s = await hive.json<HiveSnapshot>(['monit', '--once']);
      return served(s) >= sent ? s : undefined;
    },
    'the requests in the snapshot',
    WAIT,
  );
  assert.deepEqual(snapshot.apps.map((a) => a.name).sort(), ['api', 'ticker']);

  // Not a terminal (stdout is a pipe here): one plain frame even without --once, and no escape sequences.
  for (const args of [['monit', '--once'], ['monit']]) {
    const result = await hive.run(args, { env: { COLUMNS: '100' } });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes('\x1b'), 'no escape sequences');
    const lines = result.stdout.trimEnd().split('\n');
    assert.ok(
      lines.every((l) => [...l].length <= 100),
      'cut to COLUMNS',
    );
    assert.match(result.stdout, /^> api +online +2\/2 /m);
    assert.match(result.stdout, /^ {2}ticker +online +1\/1 /m);
    assert.match(result.stdout, /^INSTANCES of api \(2\/2 ready\)$/m);
    const rows = lines.filter((l) => /^[> ] +[01] +\d+ +\w+/.test(l));
    assert.equal(rows.length, 2, result.stdout);
    assert.match(rows[0]!, new RegExp(`^> +0 +${workerPids[0]} +ready `));
    assert.match(rows[1]!, new RegExp(`^ {2} +1 +${workerPids[1]} +ready `));
  }

  const only = await hive.run(['monit', 'ticker', '--once']);
  assert.match(only.stdout, /^> ticker /m);
  assert.doesNotMatch(only.stdout, /api/);
  const unknown = await hive.run(['monit', 'nope', '--once']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /ERR_HIVE_APP_NOT_FOUND/);
  const bad = await hive.run(['monit', '--interval', '10']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Expected --interval to be an integer 100-60000/);
});

/** A detached tmux session of that size running `hive monit` for a HIVE_HOME. */
function startMonitSession(name: string, width: number, height: number, home: string): Promise<string> {
  return tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(width),
    '-y',
    String(height),
    '-e',
    `HIVE_HOME=${home}`,
    // The shell stays after monit, so the pane shows its exit status and the terminal state it left behind (a dead
    // pane would hide the cursor itself).
    `${process.execPath} ${hiveBin} monit --interval 250; echo "monit exited $?"; exec sleep 600`,
  );
}

test('hive monit in a terminal (tmux): live rows, keys move the selection, resize, q restores the terminal', {
  skip: tmuxSkip(),
}, async () => {
  const pane = 'monit:0.0';
  const capture = async () => (await tmux('capture-pane', '-p', '-t', pane)).replace(/\s+$/, '');
  const format = async (f: string) => (await tmux('display-message', '-p', '-t', pane, f)).trim();
  const screenUntil = (check: (screen: string) => boolean, what: string) =>
    waitFor(
      async () => {
        const screen = await capture();
        return check(screen) ? screen : undefined;
      },
      `${what} on the screen`,
      WAIT,
    );

  await startMonitSession('monit', 120, 40, hive.home);
  await screenUntil((s) => /^> api +online +2\/2/m.test(s), 'the app list');
  assert.equal(await format('#{alternate_on}'), '1', 'on the alternate screen');
  assert.equal(await format('#{cursor_flag}'), '0', 'cursor hidden');

  // Another HIVE_HOME, where no daemon runs: monit says so and keeps checking; SIGTERM ends it and restores the terminal.
  const empty = new HiveHome();
  try {
    await startMonitSession('idle', 80, 24, empty.home);
    const idle = async () => (await tmux('capture-pane', '-p', '-t', 'idle:0.0')).replace(/\s+$/, '');
    await waitFor(
      async () => /^no daemon running \(hive start <script> starts one\); checking every 250 ms$/m.test(await idle()),
      'the no-daemon line',
      WAIT,
    );
    assert.equal(await empty.daemonPid(), undefined, 'monit started no daemon');
    // It keeps checking: a daemon started now shows up.
    await empty.json(['start', daemonFixture('ticker.sh'), '-i', '1']);
    await empty.daemonPid();
    await waitFor(async () => /^> ticker +online +1\/1/m.test(await idle()), "the new daemon's app", WAIT);
    assert.doesNotMatch(await idle(), /no daemon running/);
    const shell = (await tmux('display-message', '-p', '-t', 'idle:0.0', '#{pane_pid}')).trim();
    const monitPid = await waitFor(() => childOf(Number(shell)), 'the monit process');
    process.kill(monitPid, 'SIGTERM');
    await waitFor(async () => /^monit exited 0$/m.test(await idle()), 'monit to exit on SIGTERM', WAIT);
    assert.equal(
      (await tmux('display-message', '-p', '-t', 'idle:0.0', '#{alternate_on} #{cursor_flag}')).trim(),
      '0 1',
    );
  } finally {
    await empty.cleanup();
  }

  // Paced load while the view runs: the selected instance's req/s sparkline draws it.
  const stop = new AbortController();
  const loading = load(2000, stop.signal);
  let frame: string;
  try {
    frame = await screenUntil(
      (s) =>
        new RegExp(`^> +0 +${workerPids[0]} +ready `, 'm').test(s) &&
        new RegExp(`^ {2} +1 +${workerPids[1]} +ready `, 'm').test(s) &&
        // 20 points of history, some above zero.
        /^ {2}req\/s +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█]{20} now [\d.k]+ {2}max [1-9]/m.test(s),
      'both instance rows and 20 points of a req/s sparkline',
    );
  } finally {
    stop.abort();
    await loading;
  }
  assert.match(frame, /^hive monit {2}\S+ {2}\d\d:\d\d:\d\d$/m);
  assert.match(frame, /^api #0 {2}pid \d+ {2}up /m);
  assert.match(frame, /^EVENTS of api$/m);
  assert.match(frame, /q quit {2}↑↓ j\/k app/);
  const colored = await tmux('capture-pane', '-p', '-e', '-t', pane);
  // SGR 7 (reverse video) among the codes before the selected row, however tmux combines them.
  const row = colored.split('\n').find((l) => l.includes('> api '))!;
  assert.match(row.slice(0, row.indexOf('> api ')), /\[(?:\d+;)*7(?:;\d+)*m/, 'the selected app in reverse video');
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(new URL('monit-frame.txt', `file://${artifacts}`), `${frame}\n`);

  await tmux('send-keys', '-t', pane, 'l');
  await screenUntil(
    (s) => new RegExp(`^> +1 +${workerPids[1]} `, 'm').test(s) && /^api #1 /m.test(s),
    'instance 1 selected (l)',
  );
  await tmux('send-keys', '-t', pane, 'Tab');
  await screenUntil(
    (s) => new RegExp(`^> +0 +${workerPids[0]} `, 'm').test(s) && /^api #0 /m.test(s),
    'instance 0 (Tab)',
  );
  await tmux('send-keys', '-t', pane, 'Left');
  await screenUntil((s) => /^api #1 /m.test(s), 'instance 1 (Left, wrapping)');
  await tmux('send-keys', '-t', pane, 'j');
  await screenUntil((s) => /^> ticker /m.test(s) && /^INSTANCES of ticker /m.test(s), 'ticker selected (j)');
  await tmux('send-keys', '-t', pane, 'Up');
  await screenUntil((s) => /^> api /m.test(s) && /^INSTANCES of api /m.test(s), 'api selected again (Up)');

  // A smaller terminal: redrawn at once to its width, the last columns left out.
  await tmux('resize-window', '-t', 'monit', '-x', '80', '-y', '24');
  const small = await screenUntil((s) => /^ +# +PID STATE/m.test(s) && !/HEAP MiB/.test(s), 'the 80x24 frame');
  assert.ok(small.split('\n').length <= 24);

  await tmux('send-keys', '-t', pane, 'q');
  const after = await screenUntil((s) => /monit exited \d+/.test(s), 'monit to exit on q');
  assert.match(after, /^monit exited 0$/m);
  assert.equal(await format('#{alternate_on}'), '0', 'back on the main screen');
  assert.equal(await format('#{cursor_flag}'), '1', 'cursor shown again');
  assert.doesNotMatch(after, /hive monit|INSTANCES/, 'the frame went with the alternate screen');
});
