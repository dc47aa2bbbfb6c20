import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fatalOf, fixture, freePort, get, type HiveRecord, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

const app = fixture('own-port-app.mjs');
const isWarningOf = (port: number) => (r: HiveRecord) =>
  isEvent('warning')(r) && String(r.message).includes(`PORT ${port} came from the environment`);

// A PORT the shell merely exported (`export PORT=8080` for some other program) is no port Hive was given: an app that
// listens on its own port starts, as it did before the PORT rule, with one warning for the app.
test('an app listening on its own port starts beside a PORT inherited from the environment, with one warning', async () => {
  const [inherited, own] = [await freePort(), await freePort()];
  // Both processes wait out the listen timeout (an inherited PORT is given up on only then) and must have listened
  // elsewhere by its end (a reload's, ready on their first listen, too): 4 s, for a loaded machine that has taken over
  // a second to boot one process (2 s failed here, at a load of 13 on 2 cores; so did 3 s once, in the reload).
  const hive = startHive([app, '-i', '2', '--listen-timeout', '4s'], {
    PORT: String(inherited),
    OWN_PORT: String(own),
  });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.equal(fatalOf(hive.records), '');
  const reply = (await get(own)) as unknown as { port: string | null };
  // The app still sees the inherited PORT: Hive leaves the environment as it was.
  assert.equal(reply.port, String(inherited));
  const ready = hive.records.filter(isEvent('worker', { state: 'ready' }));
  assert.equal(ready.length, 2);
  for (const record of ready) assert.deepEqual(record.listen, { address: '127.0.0.1', port: own, kind: 'http' });
  // A reload forks new processes: the app is known to listen elsewhere, and it says so no more.
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload done', 60_000);
  assert.equal(hive.records.filter(isEvent('worker', { state: 'ready' })).length, 4);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  const warnings = hive.records.filter(isWarningOf(inherited));
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.match(String(warnings[0]!.message), new RegExp(`listened on ${own} instead`));
});

test('a PORT given by --env is enforced: an app listening on its own port fails as not listening on it', async () => {
  const [given, own] = [await freePort(), await freePort()];
  const hive = startHive([app, '-i', '1', '--listen-timeout', '1s', '--env', `PORT=${given}`], {
    OWN_PORT: String(own),
  });
  assert.equal((await hive.exited).code, 1);
  assert.match(fatalOf(hive.records), new RegExp(`did not listen on port ${given} within 1000 ms`));
  assert.equal(hive.records.filter(isWarningOf(given)).length, 0);
});

test('a PORT the environment gives with HIVE_INCREMENT_VAR=PORT is enforced (the primary sets each one)', async () => {
  const [base, own] = [await freePort(), await freePort()];
  const hive = startHive([app, '-i', '1', '--listen-timeout', '1s'], {
    PORT: String(base),
    HIVE_INCREMENT_VAR: 'PORT',
    OWN_PORT: String(own),
  });
  assert.equal((await hive.exited).code, 1);
  assert.match(fatalOf(hive.records), new RegExp(`did not listen on port ${base} within 1000 ms`));
});

test('an inherited PORT the app listens on is its port: ready there, no warning', async () => {
  const port = await freePort();
  const hive = startHive([app, '-i', '1', '--listen-timeout', '20s'], { PORT: String(port), OWN_PORT: String(port) });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  assert.equal(((await get(port)) as unknown as { port: string }).port, String(port));
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.equal(hive.records.filter(isWarningOf(port)).length, 0);
});
