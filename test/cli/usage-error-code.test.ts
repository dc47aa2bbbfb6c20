// Bad arguments to the daemon commands carry a stable code, as `hive run`'s do: scripts match the code, not the text.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/daemon-command.js';
import { HiveError, InvalidArgumentError } from '../../src/errors.js';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a UsageError is a HiveError with code ERR_HIVE_INVALID_ARGUMENT', () => {
  const error = new UsageError('missing argument');
  assert.ok(error instanceof HiveError);
  assert.ok(error instanceof InvalidArgumentError);
  assert.equal(error.code, 'ERR_HIVE_INVALID_ARGUMENT');
  assert.equal(error.name, 'UsageError');
});

test('the CLI prints the code of a usage error and exits 2, with --json too', async () => {
  // Each is refused before the daemon is asked: no daemon starts for this HIVE_HOME. In a folder of no config file,
  // which `hive start` alone would start (the default cwd, the system's temp folder, may hold a stray one).
  const cwd = join(hive.dir, 'empty');
  mkdirSync(cwd);
  const cases: [string[], RegExp][] = [
    [['stop'], /missing argument/],
    [['reload', 'a', 'b'], /unexpected argument "b"/],
    [['ls', '--bogus'], /bogus/],
    [['scale', 'api', 'many'], /"many"/],
    [['logs', '--lines', 'x'], /--lines/],
    [['monit', '--interval', '10'], /--interval/],
    [['start'], /missing argument/],
    [['start', 'app.js', '--log-format', 'xml'], /--log-format/],
    [['start', 'app.js', '--bogus'], /unknown option --bogus for hive start; see hive start --help$/m],
  ];
  for (const [args, message] of cases) {
    for (const json of [[], ['--json']]) {
      const argv = [...args, ...json];
      const result = await hive.run(argv, { cwd });
      assert.equal(result.code, 2, `hive ${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^hive ${args[0]}: ERR_HIVE_INVALID_ARGUMENT: `), argv.join(' '));
      assert.match(result.stderr, message, argv.join(' '));
      // One line, the cause, and where the options are: the whole usage (60 lines for start) buried the cause.
      assert.equal(result.stderr.split('\n').length, 2, `one line: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`; see hive ${args[0]} --help\n$`), argv.join(' '));
      assert.equal(result.stdout, '', '--json output is for results: an error leaves stdout empty');
    }
  }
  assert.equal(await hive.daemonPid(), undefined, 'no daemon was started for bad arguments');
});

test('a usage error thrown by a module a bundled command loads exits 2 too (by code, not by class)', async () => {
  // `hive reload <config>` is bundled, and reads the file with start.js, which is not: its UsageError is another class.
  const file = hive.writeConfig([{ name: 'a', script: 'a.js', env_x: {}, env_y: {} }]);
  const result = await hive.run(['reload', file, '--env', 'x', '--env', 'y']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^hive reload: ERR_HIVE_INVALID_ARGUMENT: --env picks one env_<name> of a config file/);
  assert.equal(result.stderr.split('\n').length, 2, `one line, as for any usage error: ${result.stderr}`);
  assert.match(result.stderr, /; see hive reload --help\n$/);
  assert.equal(await hive.daemonPid(), undefined, 'no daemon was started for bad arguments');
});
