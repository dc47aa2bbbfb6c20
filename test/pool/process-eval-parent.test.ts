// A process-isolated pool's children inherited the parent's flags whole, `-e <code>` (or `--eval`, `-p`, `--print`) of
// a `node -e` parent included: the child then ran that code instead of the pool's entry, which started a pool of its
// own, and so on, a child per level. Those flags say what the parent runs; they are no longer passed on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { processPoolSource } from './helpers.js';

// A child that runs this code again says so and exits, rather than start a pool in turn.
const code = `
if (process.env.HIVE_TEST_EVAL_DEPTH) { console.log('ran the parent code again'); process.exit(3); }
process.env.HIVE_TEST_EVAL_DEPTH = '1';
${processPoolSource.importPool}
const p = ${processPoolSource.newPool};
try { console.log('result', await p.run(21)); } catch (error) { console.log('failed', error.code); }
await p.destroy();
`;

for (const flags of [['-e'], ['--input-type=module', '--eval'], ['-p']]) {
  test(`a process pool under node ${flags.join(' ')} runs its task, not the parent's code`, async () => {
    // `-p` prints what the code evaluates to: the promise, once the task is done or not.
    const args = [...flags, `(async () => { ${code} })()`];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const { stdout, stderr } = await outputOf(child, 30_000);
    assert.doesNotMatch(stdout, /ran the parent code again/, stderr);
    assert.match(stdout, /^result 42$/m, `${stdout}\n${stderr}`);
  });
}
