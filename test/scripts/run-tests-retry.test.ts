// scripts/run-tests.js runs a failing file once more, alone, and passes only if it then passes whole (named FLAKY);
// one that fails twice, or more than two failing files, fails the run. Run on a copy of the script in a folder of
// its own, over test files made to pass or fail by a count kept next to them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A project folder with the runner and `files`: name -> how many of its runs fail (Infinity: every one). */
function project(files: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hive-run-tests-'));
  made.push(dir);
  cpSync(join(repo, 'scripts'), join(dir, 'scripts'), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'test'));
  for (const [name, fails] of Object.entries(files)) {
    const runs = join(dir, `${name}.runs`);
    writeFileSync(runs, '');
    writeFileSync(
      join(dir, 'test', `${name}.test.ts`),
      `import { appendFileSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
test('${name}', () => {
  appendFileSync(${JSON.stringify(runs)}, 'run\\n');
  const run = readFileSync(${JSON.stringify(runs)}, 'utf8').trim().split('\\n').length;
  if (run <= ${Number.isFinite(fails) ? fails : 1e9}) throw new Error('${name} failed on run ' + run);
});
`,
    );
  }
  return dir;
}

function runTests(dir: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'scripts', 'run-tests.js')], {
      cwd: dir,
      // Without the runner's NODE_TEST_CONTEXT: the copy is a run of its own, not a file of this one.
      env: { ...withoutTestContext(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function withoutTestContext(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return env;
}

const runsOf = (dir: string, name: string) =>
  readFileSync(join(dir, `${name}.runs`), 'utf8')
    .trim()
    .split('\n').length;

test('a file that fails once passes when run again: the run passes, naming it FLAKY', async () => {
  const dir = project({ steady: 0, flaky: 1 });
  const { code, out } = await runTests(dir);
  assert.equal(code, 0, out);
  assert.match(out, /== 1 test file\(s\) failed: test\/flaky\.test\.ts; running them once more/);
  assert.match(out, /== FLAKY: test\/flaky\.test\.ts failed, then passed when run again/);
  assert.equal(runsOf(dir, 'flaky'), 2);
  assert.equal(runsOf(dir, 'steady'), 1, 'a file that passed is not run again');
});

test('a file that fails twice fails the run', async () => {
  const dir = project({ steady: 0, broken: Infinity });
  const { code, out } = await runTests(dir);
  assert.equal(code, 1, out);
  assert.match(out, /== failed again: test\/broken\.test\.ts/);
  assert.doesNotMatch(out, /FLAKY/);
  assert.equal(runsOf(dir, 'broken'), 2);
});

test('more than two failing files are a break: none is run again', async () => {
  const dir = project({ a: 1, b: 1, c: 1 });
  const { code, out } = await runTests(dir);
  assert.equal(code, 1, out);
  assert.doesNotMatch(out, /running them once more/);
  for (const name of ['a', 'b', 'c']) assert.equal(runsOf(dir, name), 1);
});

test('HIVE_TEST_RETRY=0: the first failure fails the run', async () => {
  const dir = project({ flaky: 1 });
  const { code, out } = await runTests(dir, { HIVE_TEST_RETRY: '0' });
  assert.equal(code, 1, out);
  assert.equal(runsOf(dir, 'flaky'), 1);
});
