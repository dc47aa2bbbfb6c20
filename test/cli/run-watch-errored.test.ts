// `hive run --watch` keeps the primary up when the app is errored, as nodemon does ("app crashed - waiting for file
// changes before starting"): its first start failed, or it crash-looped later. It says once that it waits, and the
// next change starts the app again, in fresh slots. Without --watch the run still exits (1) then.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import {
  fatalOf,
  freePort,
  type HiveRecord,
  isEvent,
  killAll,
  startHive,
  tempApp,
  tempDir,
} from '../cluster/helpers.js';
import { allServe, body, brokenChangeWaitsAgain, serving, watchArgs } from './run-watch-helpers.js';

after(() => killAll());

const waiting = (r: HiveRecord) => isEvent('watch')(r) && /waiting for a file change/.test(String(r.message));

test('hive run --watch of an app that throws at load: the run stays up and says it waits; the fix serves; SIGTERM exits 0', async () => {
  const { app } = tempApp('hive-run-watch-broken-', "throw new Error('broken at load');\n");
  const port = await freePort();
  const hive = startHive([app, '-i', '2', ...watchArgs(port)]);
  await hive.waitFor(waiting, 'the wait for a change', 60_000);
  assert.deepEqual(
    hive.records
      .filter(isEvent('errored'))
      .map((r) => [r.instance, r.notReady])
      .sort(),
    [0, 1].map((instance) => [instance, 'it exited (code 1) before it was ready: Error: broken at load']),
  );
  assert.ok(hive.records.some(isEvent('state', { state: 'errored' })));
  assert.equal(hive.child.exitCode, null, 'the run ended');
  assert.equal(fatalOf(hive.records), '');

  writeFileSync(app, serving('fixed'));
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload into the fix', 60_000);
  await allServe(port, 'fixed', 2);
  assert.equal(hive.records.filter(waiting).length, 1, 'the wait was said more than once');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('hive run --watch: a fix that is still broken says the wait again after its aborted reload', async () => {
  const { app } = tempApp('hive-run-watch-still-broken-', "throw new Error('broken at load');\n");
  const port = await freePort();
  const hive = startHive([app, '-i', '1', ...watchArgs(port)]);
  await hive.waitFor(waiting, 'the wait for a change', 60_000);
  await brokenChangeWaitsAgain(hive, app, waiting);
  writeFileSync(app, serving('fixed'));
  await allServe(port, 'fixed', 1);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// Served, then crashes at each start while `flag` (outside the watched folder) exists: GET /crash makes it.
const crashOnFlag = (version: string) =>
  "import http from 'node:http';\nimport { existsSync, writeFileSync } from 'node:fs';\n" +
  "if (existsSync(process.env.FLAG)) throw new Error('flagged');\n" +
  'http.createServer((req, res) => {\n' +
  "  if (req.url === '/crash') { writeFileSync(process.env.FLAG, ''); process.exit(1); }\n" +
  `  res.end('${version}');\n` +
  '}).listen(process.env.PORT);\n';

test('hive run --watch: an app that crash-loops into errored later waits too, and a change restarts it with its restart count reset', async () => {
  const { app } = tempApp('hive-run-watch-crashloop-', crashOnFlag('v1'));
  const flag = join(tempDir('hive-run-watch-flag-'), 'flag');
  const port = await freePort();
  const hive = startHive([app, '-i', '1', '--max-restarts', '2', ...watchArgs(port)], { FLAG: flag });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.equal(await body(port), 'v1');

  const crashLoop = async (round: number) => {
    await request(`http://127.0.0.1:${port}/crash`).catch(() => {});
    await hive.waitFor(() => hive.records.filter(waiting).length === round, `wait ${round}`, 60_000);
    assert.ok(existsSync(flag));
    assert.equal(hive.child.exitCode, null, 'the run ended');
    rmSync(flag);
  };
  await crashLoop(1);
  const attempts = () => hive.records.filter(isEvent('restart')).map((r) => r.attempt);
  assert.deepEqual(attempts(), [1, 2]);

  writeFileSync(app, crashOnFlag('v2'));
  await allServe(port, 'v2', 1);
  // The restart count starts over in the fresh slot: the next crash loop gets its two restarts again.
  await crashLoop(2);
  assert.deepEqual(attempts(), [1, 2, 1, 2]);
  writeFileSync(app, crashOnFlag('v3'));
  await allServe(port, 'v3', 1);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('hive run --watch of an app that never listens: its process is ended at --listen-timeout and the run waits', async () => {
  const { app } = tempApp('hive-run-watch-deaf-', 'setInterval(() => {}, 1000);\n');
  const port = await freePort();
  // The fix is started under the same bound: it must listen within it on a loaded machine too (500 ms did not, with
  // three test files at once).
  const hive = startHive([app, '-i', '1', '--listen-timeout', '5s', ...watchArgs(port)]);
  await hive.waitFor(waiting, 'the wait for a change', 60_000);
  const [errored] = hive.records.filter(isEvent('errored'));
  assert.match(String(errored?.notReady), /within 5000 ms/);
  assert.equal(errored?.signal, 'SIGKILL');
  writeFileSync(app, serving('fixed'));
  await allServe(port, 'fixed', 1);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('hive run --watch whose port is taken still fails its start: no change of the code frees it', async () => {
  const { app } = tempApp('hive-run-watch-port-', serving('v1'));
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as AddressInfo).port;
    const hive = startHive([app, '-i', '1', ...watchArgs(port)]);
    assert.equal((await hive.exited).code, 1);
    assert.match(fatalOf(hive.records), /ERR_HIVE_PORT_IN_USE/);
  } finally {
    taken.close();
  }
});

test('hive run without --watch still exits (1) when its app throws at load', async () => {
  const { app } = tempApp('hive-run-no-watch-broken-', "throw new Error('broken at load');\n");
  const hive = startHive([app, '-i', '1', '--port', String(await freePort())]);
  assert.equal((await hive.exited).code, 1);
  assert.match(fatalOf(hive.records), /ERR_HIVE_WORKER_NOT_READY: .*broken at load/);
  assert.equal(hive.records.filter(waiting).length, 0);
});
