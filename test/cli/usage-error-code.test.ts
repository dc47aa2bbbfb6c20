// Bad arguments to the daemon commands carry a stable code, as `hive run`'s do: scripts match the code, not the text.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { UsageError } from '../../src/cli/daemon-command.js';
import { HiveError, InvalidArgumentError } from '../../src/errors.js';
import { HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('a UsageError is a HiveError with code ERR_HIVE_INVALID_ARGUMENT', () => {
  const error = new UsageError('missing argument');
  assert.ok(error instanceof HiveError);
  assert.ok(error instanceof InvalidArgumentError);
  assert.equal(error.code, 'ERR_HIVE_INVALID_ARGUMENT');
  assert.equal(error.name, 'UsageError');
});

test('the CLI prints the code of a usage error and exits 2, with --json too', async () => {
  // Each is refused before the daemon is asked: no daemon starts for this HIVE_HOME.
  const cases: [string[], RegExp][] = [
    [['stop'], /missing argument/],
    [['reload', 'a', 'b'], /unexpected argument "b"/],
    [['ls', '--bogus'], /bogus/],
    [['scale', 'api', 'many'], /"many"/],
    [['logs', '--lines', 'x'], /--lines/],
    [['monit', '--interval', '10'], /--interval/],
  ];
  for (const [args, message] of cases) {
    for (const json of [[], ['--json']]) {
      const argv = [...args, ...json];
      const result = await hive.run(argv);
      assert.equal(result.code, 2, `hive ${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^hive ${args[0]}: ERR_HIVE_INVALID_ARGUMENT: `), argv.join(' '));
      assert.match(result.stderr, message, argv.join(' '));
      assert.match(result.stderr, new RegExp(`Usage: hive ${args[0]}`), 'the usage follows');
      assert.equal(result.stdout, '', '--json output is for results: an error leaves stdout empty');
    }
  }
  assert.equal(await hive.daemonPid(), undefined, 'no daemon was started for bad arguments');
});
