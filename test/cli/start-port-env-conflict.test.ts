// `hive start app.js --port 3001 --env PORT=3002` exited 0: a cluster app's primary got PORT=3002 as its process
// environment, where the Supervisor's check of `port` against its `env` option never looks, and in fork mode PORT was
// set from --port over it; the app ran on 3001, 3002 dropped without a word. `hive run` refused the pair. Now both
// refuse it with one text (cluster/option-checks.ts's rule), exit 2, and the same port twice is taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('hive start and hive run refuse --port beside another --env PORT alike; the same port twice starts', async () => {
  const why =
    '--port 3001 and --env PORT=3002 name two ports for the app: give one (its processes would get PORT=3001, and ' +
    '3002 be dropped)';
  for (const args of [
    ['start', appFixture, '-i', '1'],
    ['start', appFixture, '-x'],
    ['run', appFixture, '-i', '1'],
  ]) {
    const result = await hive.run([...args, '--port', '3001', '--env', 'PORT=3002']);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr, `hive ${args[0]}: ERR_HIVE_INVALID_ARGUMENT: ${why}; see hive ${args[0]} --help\n`);
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
  const started = await hive.json<{ name: string }[]>([
    'start',
    appFixture,
    '-x',
    '--name',
    'same',
    '--port',
    '0',
    '--env',
    'PORT=0',
  ]);
  assert.deepEqual(
    started.map((app) => app.name),
    ['same'],
  );
});
