// `hive start <name|id>` of an app the daemon has takes --update-env (as `hive restart` does) and --json; a flag that
// would change the app's options is refused naming it (exit 2), never read as a start of a program called `api`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, get } from '../cluster/helpers.js';
import { appFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

type App = { id: number; name: string; script: string; mode: string; status: string };

test('hive start <name> --update-env restarts the app in this shell environment', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '-i', '1', '--name', 'api', '--port', String(port)], {
    env: { GREETING: 'a' },
  });
  await waitFor(async () => (await get(port).catch(() => undefined))?.greeting === 'a', 'the first start');
  const [restarted] = await hive.json<App[]>(['start', 'api', '--update-env'], { env: { GREETING: 'b' } });
  assert.deepEqual([restarted!.name, restarted!.script, restarted!.status], ['api', appFixture, 'online']);
  assert.equal((await get(port)).greeting, 'b');
  // Without it the app keeps the environment it has, as a restart does.
  await hive.json(['start', 'api'], { env: { GREETING: 'c' } });
  assert.equal((await get(port)).greeting, 'b');
});

test('hive start <name> with an option that changes the app is a usage error naming it', async () => {
  for (const args of [['--port', '4000'], ['-i', '2'], ['--watch'], ['--name', 'web']]) {
    const result = await hive.run(['start', 'api', ...args]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    const flag = args[0] === '-i' ? '--instances' : args[0]!;
    assert.match(result.stderr, new RegExp(`hive start: ERR_HIVE_INVALID_ARGUMENT: ${flag} .*"api" is an app`));
  }
  const scriptArgs = await hive.run(['start', 'api', '--', 'x']);
  assert.equal(scriptArgs.code, 2, scriptArgs.stderr);
  assert.match(scriptArgs.stderr, /arguments after -- .*"api" is an app/);
  const listed = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    listed.map((app) => [app.name, app.mode, app.script, app.status]),
    [['api', 'cluster', appFixture, 'online']],
  );
});
