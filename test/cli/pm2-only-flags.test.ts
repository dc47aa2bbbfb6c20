// `pm2 start` flags that `hive start` does not take are refused with what to write instead, not parseArgs's "Unknown
// option ... place it at the end of the command after '--'", which reads as advice to hand the flag to the app.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('--cwd, -f, --no-daemon and --log-type exit 2 naming the flag and the Hive way, asking no daemon', async () => {
  writeFileSync(join(hive.dir, 'app.js'), 'setInterval(() => {}, 1000);\n');
  for (const [args, advice] of [
    [['--cwd', '/tmp'], /--cwd is a flag of `pm2 start` that Hive does not take: run `hive start` from that folder/],
    [['-f'], /-f is a flag of `pm2 start` that Hive does not take: an app runs once per name/],
    [['--no-daemon'], /--no-daemon is .*: `hive run <script>` runs the app in the foreground/],
    [['--log-type=json'], /--log-type is .*: `--log-format json`/],
  ] as const) {
    const result = await hive.run(['start', 'app.js', ...args], { cwd: hive.dir });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: /);
    assert.match(result.stderr, advice);
    assert.doesNotMatch(result.stderr, /place it at the end/);
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test('the same flags after -- are the script arguments', async () => {
  writeFileSync(join(hive.dir, 'args.js'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
  const result = await hive.run(['start', 'args.js', '-x', '--name', 'args', '--no-autorestart', '--', '--cwd', '-f'], {
    cwd: hive.dir,
  });
  assert.equal(result.code, 0, result.stderr);
  const described = await hive.json<{ settings: { args: string[] } }>(['describe', 'args']);
  assert.deepEqual(described.settings.args, ['--cwd', '-f']);
});

test('pm2 logs --format and --highlight exit 2 with the Hive way', async () => {
  for (const [args, advice] of [
    [['--format'], /--format is a flag of `pm2 logs` that Hive does not take: `--json`/],
    [['--highlight', 'x'], /--highlight is a flag of `pm2 logs` that Hive does not take: pipe the lines to `grep/],
  ] as const) {
    const result = await hive.run(['logs', ...args, '--nostream']);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, advice);
  }
});
