// An unknown flag was parseArgs's "Unknown option '--bogus'. To specify a positional argument starting with a '-',
// place it at the end of the command after '--'", which reads as advice to pass the flag on to the app. Every command
// now says it as a usage error naming the command and its --help; start's PM2-only flags keep their own hint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('an unknown flag is a usage error naming the command and its --help', async () => {
  for (const [args, command] of [
    [['ls', '--bogus'], 'ls'],
    [['stop', 'x', '--bogus'], 'stop'],
    [['describe', 'x', '--bogus=1'], 'describe'],
    [['scale', 'x', '2', '-z'], 'scale'],
    [['start', appFixture, '--bogus'], 'start'],
    [['logs', '--bogus'], 'logs'],
    [['run', appFixture, '--bogus'], 'run'],
    [['deploy', 'compose', '--bogus'], 'deploy'],
    [['bench', '--bogus'], 'bench'],
    [['edge', 'nginx', '--bogus'], 'edge'],
  ] as const) {
    const result = await hive.run([...args]);
    const flag = args.at(-1)!.replace(/=.*/, '');
    assert.equal(result.code, 2, `hive ${args.join(' ')}: ${result.stderr}`);
    assert.ok(
      result.stderr.includes(`unknown option ${flag} for hive ${command}; see hive ${command} --help`),
      `hive ${args.join(' ')}: ${result.stderr}`,
    );
    assert.doesNotMatch(result.stderr, /To specify a positional argument/, args.join(' '));
    // One line: run, bench, edge and deploy added `Run \`hive <command> --help\` for the options.`, a second hint.
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, `hive ${args.join(' ')}: ${result.stderr}`);
  }
  const usage = await hive.run(['stop', 'x', '--bogus']);
  assert.match(usage.stderr, /^hive stop: ERR_HIVE_INVALID_ARGUMENT: unknown option --bogus/);
});

test("a PM2-only flag keeps its hint (PM2's name, what to do instead)", async () => {
  const result = await hive.run(['start', appFixture, '--cwd', '/tmp']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--cwd is a flag of `pm2 start` that Hive does not take/);
});
