// A process counted ready once it listened, whatever its pool's task module did: a reload to code whose task module
// threw at import retired every process that worked, and each /compute then failed with ERR_HIVE_TASK_MODULE. A process
// is now ready only once the pools it started before it listened have loaded their task module.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { fatalOf, fixture, freePort, type Hive, type HiveRecord, isEvent, startHive, tempDir } from './helpers.js';

const dir = tempDir('hive-pool-ready-');
const good = (answer: string) => `export default () => ${JSON.stringify(answer)};\n`;
const broken = "throw new Error('task module broken at import');\n";

async function compute(port: number): Promise<{ status: number; body: string }> {
  const { statusCode, body } = await request(`http://127.0.0.1:${port}/compute`, { reset: true });
  return { status: statusCode, body: await body.text() };
}

// Before, it came online (its pool's thread failed, or went on loading, after the listen) and ran on.
async function failsToStart(hive: Hive): Promise<void> {
  const online = hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000).then(
    () => 'online',
    () => 'neither',
  );
  assert.equal(await Promise.race([hive.exited.then(() => 'exited'), online]), 'exited');
  assert.notEqual((await hive.exited).code, 0);
}

test('a reload to a task module that throws at import aborts, naming the error, and the old processes serve on; a good one completes', async () => {
  const taskFile = join(dir, 'task.mjs');
  writeFileSync(taskFile, good('v1'));
  const port = await freePort();
  const hive = startHive([fixture('pool-ready-app.mjs'), '-i', '2', '--port', String(port)], {
    POOL_TASK_FILE: taskFile,
  });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const before = [...hive.readyPids().values()].sort();

  writeFileSync(taskFile, broken);
  hive.kill('SIGHUP');
  const ended = (r: HiveRecord) =>
    isEvent('reload', { phase: 'aborted' })(r) || isEvent('reload', { phase: 'done' })(r);
  // Before, it was done: the replacements listened, and their pool's thread failed after.
  const aborted = await hive.waitFor(ended, 'reload ended', 60_000);
  assert.equal(aborted.phase, 'aborted');
  assert.match(String(aborted.reason), /Reload aborted at worker 0/);
  assert.match(String(aborted.reason), /could not load its task module \(ERR_HIVE_TASK_MODULE: .*task module broken/);
  assert.deepEqual([...hive.readyPids().values()].sort(), before);
  for (let i = 0; i < 4; i++)
    assert.deepEqual(await compute(port).then((r) => [r.status, JSON.parse(r.body).answer]), [200, 'v1']);

  writeFileSync(taskFile, good('v2'));
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'reload done', 60_000);
  for (let i = 0; i < 4; i++)
    assert.deepEqual(await compute(port).then((r) => [r.status, JSON.parse(r.body).answer]), [200, 'v2']);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a start whose task module throws at import fails, naming the error', async () => {
  const taskFile = join(dir, 'broken-task.mjs');
  writeFileSync(taskFile, broken);
  const port = await freePort();
  const hive = startHive([fixture('pool-ready-app.mjs'), '-i', '1', '--port', String(port)], {
    POOL_TASK_FILE: taskFile,
  });
  await failsToStart(hive);
  const fatal = fatalOf(hive.records);
  assert.match(fatal, /ERR_HIVE_WORKER_NOT_READY: Worker 0 did not become ready: the pool of .*broken-task\.mjs/);
  assert.match(fatal, /could not load its task module \(ERR_HIVE_TASK_MODULE: .*task module broken at import/);
});

test('a process whose task module is still loading when --listen-timeout is up is not ready, the pool named', async () => {
  const taskFile = join(dir, 'slow-task.mjs');
  writeFileSync(taskFile, 'await new Promise((resolve) => setTimeout(resolve, 1 << 30));\nexport default () => 1;\n');
  const port = await freePort();
  // The pool is named only if the process booted, started it and listened before the timeout (else it did not listen):
  // 3 s, for a loaded CI machine that has taken over a second to boot one process.
  const hive = startHive([fixture('pool-ready-app.mjs'), '-i', '1', '--port', String(port), '--listen-timeout', '3s'], {
    POOL_TASK_FILE: taskFile,
  });
  await failsToStart(hive);
  assert.match(
    fatalOf(hive.records),
    /Worker 0 did not become ready: the pool of .*slow-task\.mjs had not loaded its task module within 3000 ms; .*--listen-timeout/,
  );
});

// Before, its pool-loading message was taken while the first pool was still loading, and its failure failed the start:
// a pool started once the process listened was waited for or not depending on the other pools' timing.
test('a pool started in the listen callback is not waited for, though a pool started before is still loading', async () => {
  const slowFile = join(dir, 'two-second-task.mjs');
  writeFileSync(slowFile, "await new Promise((resolve) => setTimeout(resolve, 2000));\nexport default () => 'slow';\n");
  const lateFile = join(dir, 'late-broken-task.mjs');
  writeFileSync(lateFile, broken);
  const port = await freePort();
  const hive = startHive([fixture('pool-ready-app.mjs'), '-i', '1', '--port', String(port)], {
    POOL_TASK_FILE: slowFile,
    POOL_LATE_TASK_FILE: lateFile,
  });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.deepEqual(await compute(port).then((r) => [r.status, JSON.parse(r.body).answer]), [200, 'slow']);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// Before, the reason ended at tsx's "Transform failed with 1 error:", the file, line and cause left out.
test("a TypeScript task module's syntax error is named with its file, line and cause", async () => {
  const taskFile = join(dir, 'syntax-error-task.cts');
  writeFileSync(taskFile, 'const a: number = 1;\nmodule.exports = (x: number) => { return x ) };\n');
  const port = await freePort();
  const hive = startHive([fixture('pool-ready-app.mjs'), '-i', '1', '--port', String(port)], {
    POOL_TASK_FILE: taskFile,
  });
  await failsToStart(hive);
  assert.match(
    fatalOf(hive.records),
    /could not load its task module \(ERR_HIVE_TASK_MODULE: .*Transform failed with 1 error: \S*syntax-error-task\.c?ts:2:\d+: ERROR: Expected/,
  );
});
