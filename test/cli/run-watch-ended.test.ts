// `hive run --watch` keeps the primary up when the app ends by itself (every process left down by --no-autorestart or
// --stop-exit-codes), as nodemon does on a clean exit ("waiting for changes before restart"): one line says so with
// the last exit code, and the next change starts the app again. Without --watch the run still exits with that code
// (test/cluster/autorestart.test.ts).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import {
  fatalOf,
  freePort,
  type HiveRecord,
  isEvent,
  killAll,
  startHive,
  startHiveText,
  tempApp,
  until,
} from '../cluster/helpers.js';
import { fetchText, scrape } from '../metrics/scrape.js';
import { allServe, brokenChangeWaitsAgain, serving, watchArgs } from './run-watch-helpers.js';

after(() => killAll());

/** The app's state as the primary's /metrics at `base` says it (`hive_app_state`). */
async function appState(base: string): Promise<string | undefined> {
  return (await scrape(base)).find((s) => s.name === 'hive_app_state' && s.value === 1)?.labels.state;
}

// Becomes ready (a cluster process must), prints, and exits with `code`: a one-shot run.
const oneShot = (code: number) =>
  "import http from 'node:http';\n" +
  `http.createServer().listen(process.env.PORT, () => { console.log('ran once'); process.exit(${code}); });\n`;

test('hive run --watch of a --no-autorestart app that exits 0: the run stays up and says so on one line; a change runs it again; SIGTERM exits 0', async () => {
  const { app } = tempApp('hive-run-watch-ended-', oneShot(0));
  const port = await freePort();
  const metricsPort = await freePort();
  const hive = startHiveText([
    app,
    '-i',
    '1',
    '--no-autorestart',
    '--metrics-port',
    String(metricsPort),
    ...watchArgs(port),
  ]);
  const wait = '[hive] app: app ended (last: worker 0, code 0); waiting for a file change to start it again';
  const count = (line: string) => hive.lines.filter((one) => one === line).length;
  // Fails at once if the run ends instead.
  const waited = (times: number) => () => {
    assert.equal(hive.child.exitCode, null, `the run ended:\n${hive.lines.join('\n')}`);
    return count(wait) === times;
  };
  await until(waited(1), 'the wait for a change', 60_000);
  assert.equal(count('[app:0] ran once'), 1);
  // Nothing runs, nor will until a change: the app reads stopped, not online, and a liveness probe fails.
  const metrics = `http://127.0.0.1:${metricsPort}`;
  assert.deepEqual(await fetchText(`${metrics}/healthz`), {
    status: 503,
    text: 'ended: every process exited and was left down; none runs until a reload\n',
  });
  assert.equal(await appState(metrics), 'stopped');
  // One line: the supervisor's `ended` event is not printed besides it, nor is the app stopped.
  assert.deepEqual(
    hive.lines.filter((line) => /app (ended|stopp)/.test(line)),
    [wait],
  );

  writeFileSync(app, oneShot(0));
  await until(waited(2), 'the second wait', 60_000);
  assert.equal(count('[app:0] ran once'), 2);
  assert.equal((await fetchText(`${metrics}/healthz`)).status, 503);
  hive.child.kill('SIGTERM');
  assert.equal(await hive.exited, 0);
});

test('hive run --watch: every process left down by a stop exit code waits with that code; a change that does not start says it again; the fix serves', async () => {
  const { app } = tempApp('hive-run-watch-stop-code-', oneShot(3));
  const port = await freePort();
  const metricsPort = await freePort();
  const metrics = `http://127.0.0.1:${metricsPort}`;
  const hive = startHive([
    app,
    '-i',
    '2',
    '--stop-exit-codes',
    '3',
    '--metrics-port',
    String(metricsPort),
    ...watchArgs(port),
  ]);
  const waiting = (r: HiveRecord) => isEvent('watch')(r) && /waiting for a file change/.test(String(r.message));
  await hive.waitFor(waiting, 'the wait for a change', 60_000);
  assert.match(String(hive.records.find(waiting)?.message), /^app ended \(last: worker [01], code 3\); waiting/);
  const [ended, ...more] = hive.records.filter(isEvent('ended'));
  assert.deepEqual(more, []);
  const last = hive.records.filter(isEvent('exit')).at(-1);
  assert.deepEqual(ended?.lastExit, { instance: last?.instance, pid: last?.pid, code: 3, signal: null });
  assert.ok(!hive.records.some(isEvent('state', { state: 'stopped' })), 'the app stopped');
  assert.equal(hive.child.exitCode, null, 'the run ended');
  assert.equal((await fetchText(`${metrics}/healthz`)).status, 503);

  await brokenChangeWaitsAgain(hive, app, waiting);

  writeFileSync(app, serving('fixed'));
  await allServe(port, 'fixed', 2);
  // Started again: alive, and online once the reload that started it is over.
  assert.deepEqual(await fetchText(`${metrics}/healthz`), { status: 200, text: 'ok\n' });
  await until(async () => (await appState(metrics)) === 'online', 'the app online', 60_000);
  assert.equal(hive.records.filter(waiting).length, 2);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.equal(fatalOf(hive.records), '');
});
