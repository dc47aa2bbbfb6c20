import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { pidLockHolder } from '../../dist/cluster/pid-lock.js';
import {
  alive,
  fatalOf,
  fixture,
  get,
  type Hive,
  isEvent,
  startDriver,
  startHive,
  unixSocketSetup,
  until,
} from './helpers.js';

// `hive run --socket`: the primary holds the path's lock (`<socket>.lock.<n>`) from its start to its stop, so that a
// second primary on the path stops at once instead of deleting a socket the first one is about to accept on.
const socketSetup = unixSocketSetup('hive-socket-lock-');
const { dir } = socketSetup;
const viaSocket = (socketPath: string) => socketSetup.viaSocket(socketPath, { pipelining: 0 });

// Holds a primary between binding its socket and accepting on it (see the file).
const slowListen = new URL('./slow-socket-listen.mjs', import.meta.url).pathname;

/** The lock files of `socket`, newest last. */
function lockFiles(socket: string): string[] {
  const prefix = `${socket.slice(dir.length + 1)}.lock.`;
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((name) => join(dir, name));
}

/** Online, or the exit it made instead. */
async function outcomeOf(hive: Hive): Promise<'online' | { code: number | null; stderr: string }> {
  const online = hive.waitFor(isEvent('state', { state: 'online' }), 'online').then(
    () => 'online' as const,
    () => undefined,
  );
  const exited = hive.exited.then(({ code }) => ({ code, stderr: hive.stderr.join('') + fatalOf(hive.records) }));
  return (await Promise.race([online, exited])) ?? exited;
}

function assertRefused(outcome: Awaited<ReturnType<typeof outcomeOf>>, holder: number): void {
  assert.notEqual(outcome, 'online', 'a second primary on the path must not come online');
  const { code, stderr } = outcome as { code: number | null; stderr: string };
  assert.equal(code, 1, stderr);
  assert.match(stderr, new RegExp(`ERR_HIVE_SOCKET_IN_USE: .*the Hive primary pid ${holder} runs on it`));
}

test('a second primary on a socket the first has bound but not yet listens on stops at once, leaving it', async () => {
  const socket = join(dir, 'window.sock');
  const first = startHive(['-i', '1', '--balance', 'rr', '--socket', socket, fixture('app.js')], {
    NODE_OPTIONS: `--import ${slowListen}`,
  });
  // The file exists and nothing accepts on it yet: to a probe it looks like a stale socket.
  await until(() => lstatSync(socket, { throwIfNoEntry: false })?.isSocket() ?? false, 'the bound socket file');
  const second = startHive(['-i', '1', '--socket', socket, fixture('app.js')]);
  assertRefused(await outcomeOf(second), first.child.pid!);
  assert.equal(await outcomeOf(first), 'online');
  const [pid] = first.readyPids().values();
  assert.equal((await get(80, '/', viaSocket(socket))).pid, pid, 'the socket file is still the first primary’s');
  first.kill('SIGTERM');
  assert.equal((await first.exited).code, 0);
});

test('two primaries started at once on one socket path, several rounds: one serves, the other stops', async () => {
  const socket = join(dir, 'rounds.sock');
  for (let round = 0; round < 4; round++) {
    const pair = [0, 1].map(() => startHive(['-i', '1', '--socket', socket, fixture('app.js')]));
    const outcomes = await Promise.all(pair.map(outcomeOf));
    const serving = pair.filter((_, i) => outcomes[i] === 'online');
    assert.equal(serving.length, 1, `round ${round}: ${JSON.stringify(outcomes)}`);
    const winner = serving[0]!;
    const loser = outcomes.find((outcome) => outcome !== 'online') as { code: number | null; stderr: string };
    assert.equal(loser.code, 1, loser.stderr);
    // A loser that got the lock after all (the winner had not yet taken it) fails at the bind instead.
    assert.match(loser.stderr, /ERR_HIVE_SOCKET_IN_USE/);
    const [pid] = winner.readyPids().values();
    assert.equal((await get(80, '/', viaSocket(socket))).pid, pid, `round ${round}: the socket is the winner’s`);
    assert.equal(pidLockHolder(`${socket}.lock`), winner.child.pid);
    winner.kill('SIGTERM');
    assert.equal((await winner.exited).code, 0);
    assert.equal(pidLockHolder(`${socket}.lock`), undefined, 'a clean stop releases the lock');
    assert.equal(readFileSync(lockFiles(socket).at(-1)!, 'utf8'), 'released\n');
  }
});

test('after the primary is SIGKILLed, a new one on its path starts: the stale lock and socket are taken over', async () => {
  const socket = join(dir, 'killed.sock');
  const first = startHive(['-i', '2', '--socket', socket, fixture('app.js')]);
  await first.waitFor(isEvent('state', { state: 'online' }), 'online');
  const workers = [...first.readyPids().values()];
  first.kill('SIGKILL');
  await first.exited;
  // Its workers exit when the IPC channel closes; until then they would still accept on the socket.
  await until(() => workers.every((pid) => !alive(pid)), 'the killed primary’s workers to exit');
  assert.ok(lstatSync(socket).isSocket(), 'a SIGKILLed primary leaves its socket file');
  assert.match(readFileSync(lockFiles(socket).at(-1)!, 'utf8'), new RegExp(`^${first.child.pid}\\b`));

  const next = startHive(['-i', '1', '--socket', socket, fixture('app.js')]);
  assert.equal(await outcomeOf(next), 'online');
  const [pid] = next.readyPids().values();
  assert.equal((await get(80, '/', viaSocket(socket))).pid, pid);
  assert.equal(pidLockHolder(`${socket}.lock`), next.child.pid);
  next.kill('SIGTERM');
  assert.equal((await next.exited).code, 0);
  assert.equal(pidLockHolder(`${socket}.lock`), undefined);
});

test('reload, scale and a worker restart keep the lock; stop releases it', async () => {
  const socket = join(dir, 'topology.sock');
  const driver = startDriver({ script: fixture('app.js'), instances: 1, socket, restartDelay: 100 });
  await driver.waitFor((r) => r.kind === 'result' && r.command === 'start', 'start');
  const [held] = lockFiles(socket).slice(-1);
  const holds = () => {
    assert.deepEqual(lockFiles(socket).slice(-1), [held], 'the same lock file, not a new generation');
    assert.equal(pidLockHolder(`${socket}.lock`), driver.child.pid);
  };
  holds();
  const results = (command: string) => driver.records.filter((r) => r.kind === 'result' && r.command === command);
  for (const command of ['reload', 'scale 2', 'scale 1']) {
    const name = command.split(' ')[0]!;
    const before = results(name).length;
    driver.command(command);
    await driver.waitFor(() => results(name).length > before, command);
    assert.equal(results(name).at(-1)!.ok, true, JSON.stringify(results(name).at(-1)));
    holds();
  }
  const [crashed] = driver.readyPids().values();
  process.kill(crashed!, 'SIGKILL');
  await driver.waitFor(isEvent('restart'), 'restart');
  await until(() => [...driver.readyPids().values()].some((pid) => pid !== crashed), 'the restarted worker');
  holds();
  assert.equal((await get(80, '/', viaSocket(socket))).size, '1');
  driver.command('stop');
  await driver.exited;
  assert.equal(readFileSync(held!, 'utf8'), 'released\n');
});

test('a start that fails or is stopped by SIGTERM releases the lock', async () => {
  const socket = join(dir, 'broken.sock');
  const versionFile = join(dir, 'broken-version');
  writeFileSync(versionFile, 'broken');
  const hive = startHive(['-i', '1', '--socket', socket, fixture('app.js')], { APP_VERSION_FILE: versionFile });
  const outcome = await outcomeOf(hive);
  assert.notEqual(outcome, 'online');
  assert.equal((outcome as { code: number | null }).code, 1);
  assert.equal(readFileSync(lockFiles(socket).at(-1)!, 'utf8'), 'released\n');

  const stopped = startHive(['-i', '1', '--socket', socket, fixture('app.js')], { NEVER_LISTEN: '1' });
  await until(() => pidLockHolder(`${socket}.lock`) === stopped.child.pid, 'the lock taken');
  // Time to fork the worker that never listens: the stop then finds a start in progress.
  await delay(500);
  stopped.kill('SIGTERM');
  await stopped.exited;
  assert.equal(readFileSync(lockFiles(socket).at(-1)!, 'utf8'), 'released\n');
});
