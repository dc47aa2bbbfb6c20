// A config file's env variable that no environment can hold (`"A=B"`, an empty name, a NUL byte) fails `hive start`
// and `hive reload` of the file with exit 2, naming the file and the key, before the daemon is asked: it used to start
// the app with `A` set to `B=x`, or fail at fork time, far from the file. The `--env KEY=VALUE` flags refuse such a
// name the same way (exit 2), and `--env A=B=x` stays `A` set to `B=x`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

function configWith(env: Record<string, string>): string {
  const config = hive.writeConfig([{ name: 'p', script: appFixture, env }]);
  return config;
}

test('hive start and hive reload <config> with a bad env variable exit 2 naming the file and key', async () => {
  const cases: [Record<string, string>, string][] = [
    [{ 'A=B': 'x' }, 'env.A=B'],
    [{ '': 'x' }, 'env[""]'],
    [{ A: 'x\0y' }, 'env.A'],
  ];
  for (const [env, key] of cases) {
    const config = configWith(env);
    for (const command of ['start', 'reload']) {
      const result = await hive.run([command, config], { cwd: hive.dir });
      assert.equal(result.code, 2, `${command} ${JSON.stringify(env)}: ${result.stderr}`);
      assert.ok(
        result.stderr.startsWith(`hive ${command}: ERR_HIVE_CONFIG: ${config}: apps[0] (p).${key}: `),
        result.stderr,
      );
    }
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test('--env with an empty or "=" name exits 2 for a script, as with hive run', async () => {
  for (const pair of ['=x', '==x']) {
    const start = await hive.run(['start', appFixture, '--env', pair], { cwd: hive.dir });
    assert.equal(start.code, 2, start.stderr);
    assert.match(start.stderr, /^hive start: .*expected --env to be KEY=VALUE/);
    const run = await hive.run(['run', appFixture, '-e', pair, '--instances=1'], { cwd: hive.dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Expected --env to be KEY=VALUE/);
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});
