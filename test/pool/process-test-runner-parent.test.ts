// A process-isolated pool's children inherited the parent's test-runner flags: in a test file run in the runner's own
// process (`node --test --test-isolation=none`), the child ran as `node --test ... <pool entry>`, so under the test
// runner, its report in the parent's output. Those flags (as `-e`, `--watch`, `--check`, `-i`) say what the parent
// runs; they are no longer passed on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { outputOf, tempDir } from '../cluster/helpers.js';
import { processPoolSource } from './helpers.js';

// A child that runs this file again says so and exits, rather than start a pool in turn.
const testFile = `
import { test } from 'node:test';
if (process.env.HIVE_TEST_RUNNER_DEPTH) { console.log('ran the parent file again'); process.exit(3); }
process.env.HIVE_TEST_RUNNER_DEPTH = '1';
${processPoolSource.importPool}
test('a task in a process pool', async () => {
  const p = ${processPoolSource.newPool};
  try { console.log('result', await p.run(21)); } finally { await p.destroy(); }
});
`;

// --test-isolation came with Node 22.8 (--experimental-test-isolation before 23.6); Node 20 runs each test file in a
// process of its own, whose flags hold none of the runner's.
const isolation = ['--test-isolation', '--experimental-test-isolation'].find((flag) =>
  process.allowedNodeEnvironmentFlags.has(flag),
);

test('a process pool in a test file run in the runner process runs its task outside the test runner', {
  skip: isolation === undefined && 'this Node has no --test-isolation',
}, async () => {
  const dir = tempDir('hive-pool-test-runner-');
  const file = join(dir, 'pool.test.mjs');
  writeFileSync(file, testFile);
  // A value apart from its flag (`--test-reporter tap`) goes with it: left alone, the child would take it for its script.
  const args = [`${isolation}=none`, '--test-reporter', 'tap', '--test', file];
  // This file's own runner marks its children as test files; the node started here is to be a runner of its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { code, stdout, stderr } = await outputOf(child, 60_000);
  assert.doesNotMatch(stdout, /ran the parent file again/, stderr);
  assert.match(stdout, /^(?:# )?result 42$/m, `${stdout}\n${stderr}`);
  // The child, run as a test file, reported itself: a second test in the parent's report.
  assert.doesNotMatch(stdout, /process-entry/, stdout);
  assert.match(stdout, /^# tests 1$/m, stdout);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
});
