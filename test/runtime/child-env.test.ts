// The variables a primary sets in its app processes are inherited by whatever those start: a Node program the app
// forks (an IPC channel to the app, the runtime preloaded by the inherited --import in cluster mode) took itself for
// the managed process, and sent the app Hive's messages (ready, metrics every report interval) on the app's own
// channel.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { forkRestartPolicy } from '../../dist/daemon/fork-restart-policy.js';
import { freePort, type HiveRecord, isEvent, killAll, startHive } from '../cluster/helpers.js';
import { poll } from '../poll.js';

after(killAll);

const fixture = (name: string) => new URL(`../fixtures/runtime-review/${name}`, import.meta.url).pathname;
// The app loads hive/runtime itself, or never does (its child's runtime then loads by its own import only).
const apps = [
  ['an app that imports hive/runtime', fixture('forks-node-child.mjs')],
  ['an app that never loads hive/runtime', fixture('forks-plain-child.mjs')],
] as const;
const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;

/** The app's lines about its child's messages, up to the child's own last one, which they must end with. */
function childMessages(lines: string[]): { hive: unknown[]; done: { managed: boolean } } {
  const messages = lines.filter((l) => l.startsWith('from child ')).map((l) => JSON.parse(l.slice(11)));
  const done = messages.at(-1) as { done?: boolean; managed: boolean };
  assert.equal(done.done, true);
  return { hive: messages.filter((m) => m.hive !== undefined), done };
}

test("cluster mode: a Node program an app process forks is not taken for Hive's managed process", async (t) => {
  for (const [what, script] of apps) {
    await t.test(what, () => clusterChild(script));
  }
});

async function clusterChild(script: string): Promise<void> {
  const port = await freePort();
  // A short report interval: the old code's child sent the app a metrics report every interval.
  const hive = startHive([script, '-i', '1', '--port', String(port), '--memory-report-interval', '50']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  await hive.waitFor((r) => typeof r.line === 'string' && r.line.includes('"done":true'), "the child's message");
  const lines = hive.records.filter((r: HiveRecord) => r.kind === 'log').map((r) => r.line as string);
  const { hive: sent, done } = childMessages(lines);
  assert.deepEqual(sent, [], "no message of Hive's protocol from the child to the app");
  assert.equal(done.managed, false, 'isPrimaryManaged is false in the child');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
}

// A fork-mode app that never loaded hive/runtime left the primary's variables unclaimed (nothing preloads the runtime
// in fork mode): the Node program it forked took them for its own, and its runtime's `cluster-size-wanted` and
// `ready()` reached the app's own child.on('message'). The fork primary now preloads the claim (runtime/fork-claim.cts).
test("fork mode: a Node program a fork-mode app forks is not taken for Hive's managed process", async (t) => {
  for (const [what, script] of apps) {
    await t.test(what, () => forkChild(script));
  }
});

async function forkChild(script: string): Promise<void> {
  const primary = startForkPrimary({ name: 'parent', command: process.execPath, args: [script] });
  try {
    await poll(() => primary.lines.some((l) => l.includes('"done":true')), "the child's message");
    const { hive: sent, done } = childMessages(primary.lines);
    assert.deepEqual(sent, [], "no cluster-size-wanted or ready() of the child's to the app");
    assert.equal(done.managed, false);
  } finally {
    await primary.stop();
  }
}

/**
 * The fork primary (what the daemon runs for a fork-mode app) of one instance with `options` over the daemon's
 * defaults; its stdout records, and the app's lines among them, as they come. `stop()` sends SIGTERM and waits for
 * its exit.
 */
function startForkPrimary(options: { name: string; command: string; args: string[]; [key: string]: unknown }) {
  const spec = {
    instances: '1',
    autorestart: true,
    killTimeout: 5_000,
    restart: forkRestartPolicy([]),
    ...options,
  };
  const primary = fork(forkPrimary, [JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const records: { kind?: string; line?: string; type?: string; state?: string }[] = [];
  const lines: string[] = [];
  splitLines(primary.stdout!, (line: string) => {
    const record = JSON.parse(line) as (typeof records)[number];
    records.push(record);
    if (record.kind === 'log') lines.push(record.line!);
  });
  const stop = async (): Promise<void> => {
    const exited = new Promise((resolve) => primary.once('exit', resolve));
    primary.kill('SIGTERM');
    await exited;
  };
  return { records, lines, stop };
}

// A version manager's `node` may be a shim that runs the real one as its child (not exec'd): the process that loads
// the runtime is then not the primary's child, yet it is the managed one, its channel passed through the shim. Telling
// the app's own children apart by their parent pid would have lost its ready().
// The claim the fork primary preloads (`--require`, passed on by the shim) is made by the real node either way.
test('fork mode: ready() of an app run through a `node` shim that spawns or execs the real node still counts', async (t) => {
  // No exec: sh waits for node as its child, and passes on the IPC descriptor (NODE_CHANNEL_FD) it inherited.
  await t.test('a shim that spawns node', () => shimmedReady(`'${process.execPath}' "$@"\nexit $?`));
  // nodenv's and asdf's: the shell execs the real node, the same process.
  await t.test('a shim that execs node', () => shimmedReady(`exec '${process.execPath}' "$@"`));
});

async function shimmedReady(body: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-node-shim-'));
  const shim = join(dir, 'node');
  writeFileSync(shim, `#!/bin/sh\n${body}\n`);
  chmodSync(shim, 0o755);
  const primary = startForkPrimary({
    name: 'shimmed',
    command: shim,
    args: [new URL('../fixtures/daemon/runtime-ready.mjs', import.meta.url).pathname],
    waitReady: true,
    listenTimeout: 120_000,
  });
  const { records } = primary;
  try {
    const outcome = await poll(
      () => records.find((r) => (r.type === 'state' && r.state === 'online') || r.type === 'warning'),
      'the app ready, or not in time',
      { timeoutMs: 150_000 },
    );
    assert.deepEqual(
      outcome,
      records.find((r) => r.type === 'state'),
      'online, with no warning',
    );
  } finally {
    await primary.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Node 20 checks the read of a `--require`d file against the permission model's `--allow-fs-read`, which names the
// app's files, and against a policy manifest's integrity list: with the claim preloaded, such an app exited with
// ERR_ACCESS_DENIED or ERR_MANIFEST_ASSERT_INTEGRITY before its first line, on every restart. The claim is left out
// when either is among the program's flags.
test('fork mode: a Node app under the permission model or a policy manifest still starts', async (t) => {
  const flag = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
  await t.test('--allow-fs-read of its own folder', () => restrictedApp((dir) => [flag, `--allow-fs-read=${dir}/*`]));
  // Gone from Node 22 on.
  const policy = process.allowedNodeEnvironmentFlags.has('--experimental-policy');
  await t.test('a policy manifest naming its script', { skip: !policy && 'no --experimental-policy' }, () =>
    restrictedApp((dir, source) => {
      const integrity = `sha384-${createHash('sha384').update(source).digest('base64')}`;
      writeFileSync(join(dir, 'policy.json'), JSON.stringify({ resources: { './app.js': { integrity } } }));
      return [`--experimental-policy=${join(dir, 'policy.json')}`];
    }),
  );
});

async function restrictedApp(flags: (dir: string, source: string) => string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-permission-'));
  const script = join(dir, 'app.js');
  const source = "console.log('app started'); setInterval(() => {}, 1 << 30);\n";
  writeFileSync(script, source);
  const primary = startForkPrimary({
    name: 'restricted',
    command: process.execPath,
    args: [...flags(dir, source), script],
  });
  try {
    // Its first line, or the old code's error (which names the restricted API, or the manifest's code).
    const first = await poll(() => primary.lines.find((l) => /app started|restricted|ERR_/.test(l)), 'a line');
    assert.equal(first, 'app started');
  } finally {
    await primary.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
