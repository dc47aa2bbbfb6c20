// A bad HIVE_POOL_THREADS was checked for cluster apps only ("a fork-mode program has no shared pool"), but a fork-mode
// Node app can import hive/runtime and call pool(), which throws on it: `hive start -x app.js` with one started an app
// that crashed in a loop. A fork-mode app run by Hive's Node is now refused it as a cluster app is (exit 2); another
// program (a shell script here) is not, for the variable means nothing to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();
const names = async () => (await hive.json<{ name: string }[]>(['ls'])).map((app) => app.name);

test('hive start -x of a Node script refuses a bad HIVE_POOL_THREADS, from --env or the shell', async () => {
  const script = daemonFixture('pool-size-fork.mjs');
  const fromEnv = await hive.run(['start', script, '-x', '--name', 'bad-env', '--env', 'HIVE_POOL_THREADS=abc']);
  assert.equal(fromEnv.code, 2, fromEnv.stderr);
  assert.match(
    fromEnv.stderr,
    /ERR_HIVE_INVALID_ARGUMENT: app "bad-env": Expected HIVE_POOL_THREADS \(from --env\).*"abc"/,
  );
  const fromShell = await hive.run(['start', script, '-x', '--name', 'bad-shell'], { env: { HIVE_POOL_THREADS: '0' } });
  assert.equal(fromShell.code, 2, fromShell.stderr);
  assert.match(fromShell.stderr, /app "bad-shell": Expected HIVE_POOL_THREADS \(from this shell's environment\).*"0"/);
  assert.deepEqual(await names(), []);
});

test('a fork-mode program that is not run by Node starts with any HIVE_POOL_THREADS', async () => {
  const script = daemonFixture('ticker.sh');
  const [app] = await hive.json<{ mode: string; status: string }[]>(['start', script, '--name', 'ticker'], {
    env: { HIVE_POOL_THREADS: 'abc' },
  });
  assert.deepEqual([app!.mode, app!.status], ['fork', 'online']);
  await hive.json(['delete', 'ticker']);
});
