// `hive run`, `bench`, `edge` and `deploy` wrote "Run `hive <command> --help` for the options." on a line of its own
// after every error they exit 2 for, even one no option helps with (`hive edge nginx --app x` of an app the daemon
// does not have). A usage error is now one line ending `; see hive <command> --help`, as the daemon commands' are;
// any other error has no hint.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
const dir = mkdtempSync(join(tmpdir(), 'hive-usage-hint-'));
after(async () => {
  await hive.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('a usage error of run, bench, edge and deploy is one line ending with where the options are', async () => {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'api' }));
  for (const [args, command, message] of [
    [['run', appFixture, '--instances', 'x'], 'run', /instances/],
    [['bench', '--duration', 'x'], 'bench', /duration/],
    [['edge', 'nginx', '--port', 'x'], 'edge', /port/],
    [['deploy', 'compose', '--replicas', 'x'], 'deploy', /--replicas/],
  ] as const) {
    const result = await hive.run([...args], { cwd: dir });
    const line = `hive ${args.join(' ')}: ${result.stderr}`;
    assert.equal(result.code, 2, line);
    assert.match(result.stderr, new RegExp(`^hive ${command}: ERR_HIVE_[A-Z_]+: `), line);
    assert.match(result.stderr, message, line);
    assert.match(result.stderr, new RegExp(`; see hive ${command} --help\n$`), line);
    assert.equal(result.stderr.split('\n').length, 2, `one line: ${line}`);
  }
});

// With no target, `hive edge` and `hive deploy` printed their whole usage (some 80 lines) to stderr: the one thing
// wrong was lost in it. `hive edge --help` and `hive edge nginx --help`, which the hint and edge.md name, agree.
test('edge and deploy with no target: one line that says so, exit 2; --help with or without the target is the same', async () => {
  for (const [command, expected] of [
    ['edge', 'nginx'],
    ['deploy', 'compose or k8s'],
  ] as const) {
    const result = await hive.run([command], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(
        `^hive ${command}: ERR_HIVE_[A-Z_]+: missing target \\(expected:? ${expected}\\); see hive ${command} --help\n$`,
      ),
    );
    const help = await hive.run([command, '--help'], { cwd: dir });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^Usage: hive ${command} `));
    const withTarget = await hive.run([command, command === 'edge' ? 'nginx' : 'compose', '--help'], { cwd: dir });
    assert.equal(withTarget.stdout, help.stdout);
  }
});

// `hive deploy` read package.json before it looked for its target: with none, in a folder of no package.json it was
// refused for its --app, and in one of a broken package.json for that file, where `hive edge` says what is missing.
test('deploy with no target says so in a folder of no package.json, or of a broken one', async () => {
  const none = join(dir, 'no-package');
  const broken = join(dir, 'broken-package');
  mkdirSync(none);
  mkdirSync(broken);
  writeFileSync(join(broken, 'package.json'), '{');
  for (const cwd of [none, broken]) {
    const result = await hive.run(['deploy'], { cwd });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      'hive deploy: ERR_HIVE_DEPLOY_INVALID_OPTION: missing target (expected compose or k8s); see hive deploy --help\n',
    );
  }
});

test('an error that is not about the arguments has no hint about the options', async () => {
  await hive.json(['ls']);
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'package.json'), '{');
  for (const [args, code, cwd] of [
    // The app is not the daemon's: no option would make it so.
    [['edge', 'nginx', '--app', 'nosuch'], 'ERR_HIVE_APP_NOT_FOUND', dir],
    [['edge', 'nginx', '--config', join(dir, 'missing.config.json')], 'ERR_HIVE_CONFIG', dir],
    [['run', join(dir, 'missing.js')], 'ERR_HIVE_SCRIPT_NOT_FOUND', dir],
    [['deploy', 'compose'], 'ERR_HIVE_DEPLOY_PACKAGE_JSON', join(dir, 'broken')],
  ] as const) {
    const result = await hive.run([...args], { cwd });
    const line = `hive ${args.join(' ')}: ${result.stderr}`;
    assert.equal(result.code, 2, line);
    assert.match(result.stderr, new RegExp(`^hive ${args[0]}: ${code}: `), line);
    assert.doesNotMatch(result.stderr, /--help|for the options/, line);
  }
});
