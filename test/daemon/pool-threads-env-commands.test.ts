// A bad HIVE_POOL_THREADS is refused where it would reach an app (1ee0f38), and only there: `hive start <config>` checked
// this shell's even for a running app of the file that keeps the environment it was started in (a false refusal),
// while the commands that do give an app this shell's (restart, reload and start of an app with --update-env,
// `hive reload <config>`) let it through, to a primary that refused it (the app errored) or to app processes whose
// first pool() throws.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { appFixture, tempHome } from './helpers.js';

const hive = tempHome();
const bad = { HIVE_POOL_THREADS: 'abc' };
const file = join(hive.dir, 'hive.config.json');
/** Writes the config file `fileName` of `names`, apps of the cluster app fixture with `env`; returns its path. */
const config = (fileName: string, names: string[], env: Record<string, string> = { GREETING: 'hi' }) =>
  hive.writeConfig(
    names.map((name) => ({ name, script: appFixture, instances: 1, env })),
    fileName,
  );

interface Listed {
  name: string;
  status: string;
  processes: { pid: number }[];
}

const envOf = (name: string) => hive.json<Record<string, string>>(['env', name]);
const listed = async (name: string) => (await hive.json<Listed[]>(['ls'])).find((app) => app.name === name);

before(async () => {
  config('hive.config.json', ['api']);
  await hive.json(['start', file]);
});

test("a config file's running app keeps its environment: this shell's bad HIVE_POOL_THREADS is not refused", async () => {
  for (const command of ['start', 'startOrReload', 'startOrRestart', 'reload']) {
    const result = await hive.run([command, file], { env: bad });
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    assert.equal((await envOf('api')).HIVE_POOL_THREADS, undefined, command);
  }
});

test("with --update-env, every command that gives an app this shell's refuses a bad HIVE_POOL_THREADS", async () => {
  const pids = (await listed('api'))?.processes.map((p) => p.pid);
  const commands = [
    ['restart', 'api', '--update-env'],
    ['reload', 'api', '--update-env'],
    ['start', 'api', '--update-env'],
    ['restart', 'all', '--update-env'],
    ['reload', file, '--update-env'],
    ['start', file, '--update-env'],
    ['startOrReload', file, '--update-env'],
    ['startOrRestart', file, '--update-env'],
  ];
  for (const command of commands) {
    const result = await hive.run(command, { env: bad });
    assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: app "api": Expected HIVE_POOL_THREADS \(from .*\).*"abc"/);
    // Refused before anything was done: the app runs on, in its environment (both read at once).
    const [app, env] = await Promise.all([listed('api'), envOf('api')]);
    assert.equal(app?.status, 'online', command.join(' '));
    assert.deepEqual(
      app?.processes.map((p) => p.pid),
      pids,
      command.join(' '),
    );
    assert.equal(env.HIVE_POOL_THREADS, undefined, command.join(' '));
  }
});

test('hive reload <config> checks the environment of an app it starts', async () => {
  // No env in the file: the app takes this shell's.
  const other = config('other.config.json', ['extra'], {});
  const result = await hive.run(['reload', other], { env: bad });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /app "extra": Expected HIVE_POOL_THREADS \(from this shell's environment\).*"abc"/);
  assert.equal(await listed('extra'), undefined);
});

test("a config file's app new to the daemon is refused this shell's bad HIVE_POOL_THREADS; the others start", async () => {
  const mixed = config('mixed.config.json', ['api', 'fresh']);
  const result = await hive.run(['start', mixed], { env: bad });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /app "fresh": Expected HIVE_POOL_THREADS \(from the shell's environment\).*"abc"/);
  assert.equal(await listed('fresh'), undefined);
  assert.equal((await listed('api'))?.status, 'online');
});
