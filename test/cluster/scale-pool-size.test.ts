// Scaling an app resizes the runtime's shared pool of every running process, so that processes x threads keep
// fitting the cores (README, docs/cluster.md): before, a process kept the size it was started with.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { availableCores } from 'hive/pool';
import { poll } from '../poll.js';
import { fixture, freePort, get, type HiveRecord, isEvent, killAll, startDriver, startHive } from './helpers.js';

after(killAll);

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;
const cores = availableCores();
const rule = (processes: number) => Math.max(1, Math.floor(cores / processes));

interface PoolReply {
  instance: string;
  size: string;
  maxThreads: number;
  messages: number;
}

/** Each instance's answer, once every one of `instances` answers with cluster size `size`. */
async function poolSizes(port: number, size: number): Promise<Map<string, PoolReply>> {
  const seen = new Map<string, PoolReply>();
  await poll(async () => {
    const reply = (await get(port)) as unknown as PoolReply;
    seen.set(reply.instance, reply);
    return seen.size === size && [...seen.values()].every((r) => r.size === String(size));
  }, `every instance of ${size} to answer with its new size`);
  return seen;
}

test('scale up then down: every running instance resizes its shared pool by the rule', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('pool-size-app.mjs'), instances: 1, port }, { HIVE_POOL_THREADS: '' });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  assert.equal((await poolSizes(port, 1)).get('0')?.maxThreads, rule(1));

  hive.command('scale 2');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale up')).ok, true);
  await poll(async () => {
    const sizes = await poolSizes(port, 2);
    return [...sizes.values()].every((reply) => reply.maxThreads === rule(2));
  }, 'both instances at the two-process size (instance 0 was started alone)');

  hive.records.length = 0;
  hive.command('scale 1');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale down')).ok, true);
  await poll(async () => (await poolSizes(port, 1)).get('0')?.maxThreads === rule(1), 'instance 0 back at the whole');

  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('a pool with an explicit maxThreads keeps it across a scale', async () => {
  const port = await freePort();
  const hive = startDriver(
    { script: fixture('pool-size-app.mjs'), instances: 2, port },
    { POOL_MAX_THREADS: '3', HIVE_POOL_THREADS: '' },
  );
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  hive.command('scale 1');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale down')).ok, true);
  assert.equal((await poolSizes(port, 1)).get('0')?.maxThreads, 3);
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

// The primary resends the cluster size to each process once it is ready: the runtime re-applied the rule to every
// pool created as 'auto', undoing the app's own resize(n) with no scale at all (and again at every scale).
test("an app's resize(n) of its shared pool stays, once ready and across a scale", async () => {
  const port = await freePort();
  const own = cores + 5;
  const hive = startDriver(
    { script: fixture('pool-size-app.mjs'), instances: 1, port },
    { POOL_RESIZE: String(own), HIVE_POOL_THREADS: '' },
  );
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  let reply: PoolReply | undefined;
  await poll(async () => {
    reply = (await get(port)) as unknown as PoolReply;
    return reply.messages > 0;
  }, 'the ready process to get the cluster size again');
  assert.equal(reply?.maxThreads, own);

  hive.command('scale 2');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale up')).ok, true);
  const seen = new Map<string, PoolReply>();
  await poll(async () => {
    const answer = (await get(port)) as unknown as PoolReply;
    if (answer.messages > 0 && answer.size === '2') seen.set(answer.instance, answer);
    return seen.size === 2;
  }, 'both instances to have the new size and a cluster-size message');
  assert.deepEqual(
    [...seen.values()].map((answer) => answer.maxThreads),
    [own, own],
  );
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

// An app with its own copy of hive (node_modules/hive) besides the runtime the primary preloads: the preloaded copy
// gets the cluster-size message, the app's copy created the pool. The registry was per copy, so a scale resized an
// empty set and the pool kept its first size.
test('a scale resizes the shared pool of an app that has its own copy of hive', async (t) => {
  const root = new URL('../../', import.meta.url).pathname;
  // Inside the repository, so that the copy's own imports (prom-client...) resolve to its node_modules.
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, 'tmp', 'hive-own-copy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, 'node_modules', 'hive');
  mkdirSync(copy, { recursive: true });
  copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
  // A copy, not a symlink: Node would resolve a link to the preloaded files and load them once.
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
  // A package of its own: inside Hive's package scope, `hive/runtime` would name Hive itself (a self-reference).
  writeFileSync(join(dir, 'package.json'), '{ "name": "own-copy-app", "type": "module" }');
  copyFileSync(fixture('pool-size-app.mjs'), join(dir, 'app.mjs'));
  copyFileSync(fixture('task.js'), join(dir, 'task.js'));

  assert.equal(
    createRequire(join(dir, 'app.mjs')).resolve('hive/runtime'),
    join(copy, 'dist', 'runtime', 'index.js'),
    "the app's hive is its own copy",
  );
  const port = await freePort();
  const hive = startDriver({ script: join(dir, 'app.mjs'), instances: 1, port }, { HIVE_POOL_THREADS: '' });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  assert.equal((await poolSizes(port, 1)).get('0')?.maxThreads, rule(1));
  hive.command('scale 2');
  assert.equal((await hive.waitFor(isResult('scale'), 'scale up')).ok, true);
  const sizes = await poolSizes(port, 2);
  assert.deepEqual(
    [...sizes.values()].map((reply) => reply.maxThreads),
    [rule(2), rule(2)],
  );
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('hive run --threads sizes the shared pool, as hive start --threads does', async () => {
  const port = await freePort();
  const hive = startHive([fixture('pool-size-app.mjs'), '-i', '2', '--port', String(port), '--threads', '3']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const sizes = await poolSizes(port, 2);
  assert.deepEqual(
    [...sizes.values()].map((reply) => reply.maxThreads),
    [3, 3],
  );
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
