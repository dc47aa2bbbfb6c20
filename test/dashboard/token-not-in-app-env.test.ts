// `hive run --dashboard` with HIVE_DASHBOARD_TOKEN in its environment passed it on to every app process (cluster.fork
// lays the workers' env over the primary's own), and the daemon gave each app the shell environment of `hive start`,
// a token exported for `hive dashboard` with it: any dependency or error reporter that captures the environment got
// the dashboard's secret. Hive now hands it to no app process (cluster/app-hidden-env.ts).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { killAll } from '../cluster/helpers.js';
import { tempHome, waitFor } from '../daemon/helpers.js';
import { freePort } from '../ports.js';
import { runTokenApp } from './token-app-run.js';

after(killAll);
const app = new URL('../fixtures/cluster/dashboard-token-env-app.cjs', import.meta.url).pathname;
const secret = 'dashboard-secret-0123456789';

test('hive run --dashboard keeps HIVE_DASHBOARD_TOKEN from its app processes, from the environment or the flag', async () => {
  const fromEnv = await runTokenApp([], { HIVE_DASHBOARD_TOKEN: secret });
  assert.equal(fromEnv.appToken, 'none');
  // The primary itself still has it: its dashboard asked for it (the token is said to be set, never printed).
  assert.match(fromEnv.stdout, /dashboard on http:\/\/127\.0\.0\.1:\d+\/ \(open it with \?token=<your token>\)/);
  const flag = await runTokenApp(['--dashboard-token', secret], { HIVE_DASHBOARD_TOKEN: 'another-secret-0123456789' });
  assert.equal(flag.appToken, 'none');
  // Not even given on purpose with -e: the primary's secret, never the app's.
  const given = await runTokenApp(['-e', `HIVE_DASHBOARD_TOKEN=${secret}`]);
  assert.equal(given.appToken, 'none');
});

test("a daemon app never gets the HIVE_DASHBOARD_TOKEN of `hive start`'s shell, cluster or fork mode", async () => {
  const hive = tempHome();
  for (const mode of [[], ['-x']]) {
    const port = await freePort();
    const name = `token${mode.length}`;
    await hive.json(['start', app, '--name', name, '-i', '1', '--port', String(port), ...mode], {
      env: { HIVE_DASHBOARD_TOKEN: secret },
    });
    const answer = await waitFor(async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${port}/`)).text();
      } catch {
        return undefined;
      }
    }, `app ${name} answering`);
    assert.equal(answer, 'none', name);
    // What the daemon says the app's environment is, as the app gets it.
    const env = await hive.run(['env', name]);
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stdout, /^PATH=/m);
    assert.doesNotMatch(env.stdout, /HIVE_DASHBOARD_TOKEN/, name);
  }
});
