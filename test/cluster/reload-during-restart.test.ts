// A slot's crash restart that came due while a reload's replacement was starting for the slot forked a second process
// of the instance beside it (its start work done twice at once), which the replacement retired once ready.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, isEvent, killAll, startHive, tempApp } from './helpers.js';

after(killAll);

// A process started while a `hold` file is there says `held <pid>` and waits for the test to open its gate (`open`)
// before it listens; the first to pass the gate while a `fail` file is there throws instead (removing it: the next one
// listens). Others listen at once.
const source = `
import { existsSync, rmSync } from 'node:fs';
import http from 'node:http';
const dir = process.env.TEST_DIR;
const server = http.createServer((_req, res) => res.end(String(process.pid)));
const listen = () => server.listen(Number(process.env.PORT), '127.0.0.1');
if (!existsSync(dir + '/hold')) listen();
else {
  console.log('held ' + process.pid);
  const timer = setInterval(() => {
    if (!existsSync(dir + '/open')) return;
    clearInterval(timer);
    if (existsSync(dir + '/fail')) {
      rmSync(dir + '/fail');
      throw new Error('this process does not start');
    }
    listen();
  }, 20);
}
`;

const starting = isEvent('worker', { instance: 0, state: 'starting' });

/** Runs `hive run -i 1 --restart-delay 0` of the app until online; its folder and its process's pid. */
async function startOnline(prefix: string) {
  const { dir, app } = tempApp(prefix, source);
  const port = await freePort();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--restart-delay', '0'], { TEST_DIR: dir });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  return { dir, hive, old: hive.readyPids().get(0)! };
}

// Runs `hive run -i 1` of the app, reloads it to a version whose processes wait for their gate (`hold`) and crashes
// the old process while the replacement waits (its restart, delay 0, comes due at once), then opens the gate; `fail`:
// the replacement throws there.
async function crashDuringReload(fail: boolean) {
  const { dir, hive, old } = await startOnline('hive-reload-restart-');
  writeFileSync(join(dir, 'hold'), '');
  if (fail) writeFileSync(join(dir, 'fail'), '');
  hive.kill('SIGHUP');
  const reloadStart = await hive.waitFor(isEvent('reload', { phase: 'start' }), 'the reload');
  const replacement = await hive.waitFor((r) => starting(r) && r.pid !== old, 'the replacement forked');
  process.kill(old, 'SIGKILL');
  await hive.waitFor(isEvent('exit', { pid: old }), 'the crash');
  await hive.waitFor(isEvent('restart', { instance: 0 }), 'the crash restart');
  writeFileSync(join(dir, 'open'), '');
  return { hive, old, reloadStart, replacement };
}

test("a crash restart due during a reload waits for the slot's replacement: one new process, no second", async () => {
  const { hive, reloadStart, replacement } = await crashDuringReload(false);
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload done');
  const since = hive.records.slice(hive.records.indexOf(reloadStart));
  assert.deepEqual(
    since.filter(starting).map((r) => r.pid),
    [replacement.pid],
    'one process forked for instance 0',
  );
  assert.deepEqual(since.filter(isEvent('warning')), []);
  assert.equal(hive.readyPids().get(0), replacement.pid);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a crash restart due during a reload whose replacement fails restarts the slot then', async () => {
  const { hive, old, reloadStart, replacement } = await crashDuringReload(true);
  await hive.waitFor(isEvent('reload', { phase: 'aborted' }), 'the reload aborted');
  const restarted = await hive.waitFor(
    (r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== old && r.pid !== replacement.pid,
    'the slot restarted',
  );
  const since = hive.records.slice(hive.records.indexOf(reloadStart));
  assert.deepEqual(
    since.filter(starting).map((r) => r.pid),
    [replacement.pid, restarted.pid],
  );
  assert.equal(hive.readyPids().get(0), restarted.pid);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// A reload that retired a slot's crash restart still starting said "Worker 0 did not become ready: it exited (code 0)
// before it was ready" after it succeeded: a warning about a process the primary itself retired. The gate stays shut.
test('a reload that retires a crash restart still starting warns of no failed start', async () => {
  const { dir, hive, old } = await startOnline('hive-reload-starting-');
  writeFileSync(join(dir, 'hold'), '');
  process.kill(old, 'SIGKILL');
  const restarted = await hive.waitFor((r) => starting(r) && r.pid !== old, 'the crash restart forked');
  await hive.waitFor((r) => r.kind === 'log' && r.line === `held ${restarted.pid}`, 'the restart held');
  rmSync(join(dir, 'hold'));
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload done');
  const exit = await hive.waitFor(isEvent('exit', { pid: restarted.pid }), 'the held process retired');
  assert.equal(exit.expected, true);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.deepEqual(hive.records.filter(isEvent('warning')), []);
});
