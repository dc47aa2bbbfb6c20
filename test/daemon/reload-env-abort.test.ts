import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, get } from '../cluster/helpers.js';
import { appFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface SavedSpec {
  name: string;
  shellEnv?: Record<string, string>;
}
const savedShellEnv = async (name: string) => {
  assert.equal((await hive.run(['save'])).code, 0);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as { apps: SavedSpec[] };
  return dump.apps.find((app) => app.name === name)?.shellEnv;
};
interface App {
  status: string;
  processes: { role: string; pid: number }[];
}
const primaryPid = async (name: string) => {
  const app = await hive.json<App>(['describe', name]);
  return app.processes.find((p) => p.role === 'primary')!.pid;
};
const greetings = async (port: number) => {
  const seen = new Set<string | null>();
  for (let i = 0; i < 6; i++) seen.add((await get(port)).greeting);
  return [...seen];
};

// The primary keeps its environment when a reload aborts (Supervisor#reload); so must the daemon's spec, or the next
// restart, primary respawn or resurrect starts the app in the environment of the reload that failed (here one whose
// instance 1 throws at start: an app that never comes online).
test('an aborted reload --update-env leaves the app the environment it had, for a restart and the dump', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '-i', '2', '--name', 'greet', '--port', String(port)], {
    env: { GREETING: 'a' },
  });
  await waitFor(async () => (await get(port).catch(() => undefined))?.greeting === 'a', 'the first start');

  const aborted = await hive.run(['reload', 'greet', '--update-env'], {
    env: { GREETING: 'b', BROKEN_INSTANCE: '1' },
  });
  assert.notEqual(aborted.code, 0);
  // The code of a reload that aborted, as `hive run` and the docs give it (it was ERR_HIVE_APP_OPERATION).
  assert.match(
    aborted.stderr,
    /^hive reload: ERR_HIVE_RELOAD_ABORTED: app "greet": reload failed: Reload aborted at worker 1/m,
  );

  // A primary that dies comes back in the old environment.
  const primary = await primaryPid('greet');
  process.kill(primary, 'SIGKILL');
  await waitFor(async () => {
    const app = await hive.json<App>(['describe', 'greet']);
    return app.status === 'online' && app.processes.some((p) => p.role === 'primary' && p.pid !== primary);
  }, 'the respawned primary online');
  assert.deepEqual(await greetings(port), ['a']);

  const restarted = await hive.run(['restart', 'greet'], { env: { GREETING: 'ignored' } });
  assert.equal(restarted.code, 0, `the restart runs the old environment, in which the app starts: ${restarted.stderr}`);
  assert.deepEqual(await greetings(port), ['a']);
  assert.equal((await savedShellEnv('greet'))?.GREETING, 'a', 'the dump keeps the environment of the start');

  // A successful reload keeps its environment, as before.
  await hive.json(['reload', 'greet', '--update-env'], { env: { GREETING: 'c' } });
  assert.deepEqual(await greetings(port), ['c']);
  assert.equal((await savedShellEnv('greet'))?.GREETING, 'c');
});

// The reload of a stopped app starts it: a start that fails leaves the app (errored) the environment it had too.
test('a reload --update-env that starts a stopped app and fails keeps the old environment', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '-i', '2', '--name', 'cold', '--port', String(port)], {
    env: { GREETING: 'a' },
  });
  await hive.json(['stop', 'cold']);

  const failed = await hive.run(['reload', 'cold', '--update-env'], { env: { GREETING: 'b', BROKEN_INSTANCE: '0' } });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /this instance does not start/);
  assert.equal((await savedShellEnv('cold'))?.GREETING, 'a');

  const restarted = await hive.run(['restart', 'cold']);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.deepEqual(await greetings(port), ['a']);
});

// `hive save` reads the spec outside the app's operations: during a reload it must not see the new environment yet.
test('a hive save while a reload --update-env is under way writes the environment the app has until it took', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '-i', '2', '--name', 'saved', '--port', String(port)], {
    env: { GREETING: 'a' },
  });
  const gate = join(hive.dir, 'saved-gate');
  const reload = hive.run(['reload', 'saved', '--update-env'], {
    env: { GREETING: 'b', BROKEN_INSTANCE: '1', BROKEN_GATE: gate },
  });
  await waitFor(
    async () => (await hive.json<App>(['describe', 'saved'])).status === 'reloading',
    'the reload under way',
  );
  assert.equal((await savedShellEnv('saved'))?.GREETING, 'a');
  writeFileSync(gate, '');
  const aborted = await reload;
  assert.notEqual(aborted.code, 0);
  assert.match(aborted.stderr, /Reload aborted at worker 1/);
  assert.equal((await savedShellEnv('saved'))?.GREETING, 'a');
});
