// `hive start job.sh` of a script that is not executable failed to spawn (EACCES) and left the app errored, where PM2
// runs it with the interpreter of its extension (.sh bash, .py python3, .rb ruby, .php php, .pl perl). Now so does
// Hive; an executable script still runs as itself (its #! line), interpreter_args reach the interpreter, a python
// app's output is unbuffered (PYTHONUNBUFFERED, as PM2 sets it), and a program that cannot be spawned says what to do.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Described, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

/** A copy of a fixture in the test's folder, with this mode (git keeps only the executable bit). */
function script(fixture: string, name: string, mode: number): string {
  const path = join(dir, name);
  copyFileSync(daemonFixture(fixture), path);
  chmodSync(path, mode);
  return path;
}

const describe = (name: string) => hive.json<Described>(['describe', name]);
const logLine = (name: string, pattern: RegExp) =>
  waitFor(() => pattern.exec(hive.readLog(`${name}-out.log`))?.[0], `${name}'s line ${pattern}`);

test('a .sh script that is not executable runs with bash, its arguments after it', async () => {
  const path = script('interpreted.sh', 'plain.sh', 0o644);
  const [app] = await hive.json<Described[]>(['start', 'plain.sh', '--', 'one', 'two'], { cwd: dir });
  assert.deepEqual([app!.mode, app!.status], ['fork', 'online']);
  await logLine('plain', /interpreted\.sh bash=[0-9][^ ]* args=one two\n/);
  assert.equal((await describe('plain')).settings.command, 'bash');
  assert.ok(path.endsWith('plain.sh'));
  await hive.json(['delete', 'plain']);
});

test('a .py script runs with python3, its output unbuffered; interpreter_args go to python3', async () => {
  script('interpreted.py', 'job.py', 0o644);
  await hive.json(['start', 'job.py', '--name', 'py', '--', 'a'], { cwd: dir });
  // The line comes while the program runs on: python would hold it in its buffer without PYTHONUNBUFFERED.
  await logLine('py', /interpreted\.py python=3 optimize=0 args=a\n/);
  const started = await describe('py');
  assert.equal(started.settings.command, 'python3');
  const env = await hive.run(['env', 'py']);
  assert.match(env.stdout, /^PYTHONUNBUFFERED=1$/m);
  await hive.json(['delete', 'py']);

  const apps = [{ name: 'pyc', script: './job.py', interpreter_args: '-O', args: 'b' }];
  const config = hive.writeConfig(apps, 'ecosystem.config.js');
  await hive.json(['start', config], { cwd: dir });
  await logLine('pyc', /interpreted\.py python=3 optimize=1 args=b\n/);
  const fromFile = await describe('pyc');
  assert.deepEqual([fromFile.settings.command, fromFile.settings.nodeArgs], ['python3', ['-O']]);
  await hive.json(['delete', 'pyc']);
});

test('an executable script runs as itself, its #! line choosing the program', async () => {
  const path = script('ticker.sh', 'exec.sh', 0o755);
  await hive.json(['start', path, '--name', 'exec']);
  await logLine('exec', /ticker 0 started/);
  assert.equal((await describe('exec')).settings.command, path);
  await hive.json(['delete', 'exec']);
});

test('-x --node-args reach the node of a fork-mode .js script', async () => {
  const path = join(dir, 'flags.js');
  writeFileSync(path, "console.log('execArgv', JSON.stringify(process.execArgv));\nsetInterval(() => {}, 1 << 30);\n");
  await hive.json(['start', path, '-x', '--name', 'flags', '--node-args', '--max-old-space-size=123']);
  await logLine('flags', /execArgv .*"--max-old-space-size=123"/);
  await hive.json(['delete', 'flags']);
});

test('a script that cannot be run says why and what to do: not executable, or no such interpreter', async () => {
  script('interpreted.sh', 'job.run', 0o644);
  const plain = await hive.run(['start', 'job.run', '--name', 'run'], { cwd: dir });
  assert.equal(plain.code, 1, plain.stdout);
  assert.match(
    plain.stderr,
    /job\.run: spawn .*EACCES \(.*job\.run is not executable: chmod \+x it, or name the program/,
  );
  assert.match((await describe('run')).lastError ?? '', /--interpreter <prog>/);
  await hive.json(['delete', 'run']);

  const missing = await hive.run(['start', 'job.run', '--name', 'nope', '--interpreter', 'no-such-interpreter-hive'], {
    cwd: dir,
  });
  assert.equal(missing.code, 1, missing.stdout);
  assert.match(missing.stderr, /ENOENT \(no program no-such-interpreter-hive on PATH: install it, or name another/);
  await hive.json(['delete', 'nope']);
});
