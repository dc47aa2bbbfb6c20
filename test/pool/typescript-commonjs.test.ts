// On Node 20 (and 22 before 22.22.3) a CommonJS TypeScript task module (a `.cts`, or a `.ts` in a package without
// `"type": "module"`) came from tsx's ESM loader as a `data:` module: its `__dirname` was `data:text`, and the stack of
// an error it threw named no line. Hive loads it through tsx's CommonJS loader. Run in a plain node process: this
// runner's tsx hooks would load the files themselves.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const folder = mkdtempSync(join(tmpdir(), 'hive-pool-cts-'));
after(() => rmSync(folder, { recursive: true, force: true }));
writeFileSync(join(folder, 'package.json'), '{}');
writeFileSync(join(folder, 'factor.ts'), 'export const factor: number = 3;\n');
const task = `interface Input {
  fail?: boolean;
}
const { factor }: { factor: number } = require('./factor.ts');
module.exports = function task({ fail }: Input) {
  if (fail) throw new Error('task failed');
  return { dirname: __dirname, filename: __filename, factor };
};
`;
writeFileSync(join(folder, 'task.cts'), task);
writeFileSync(join(folder, 'task.ts'), task);

const builtPool = new URL('../../dist/pool/index.js', import.meta.url).href;

for (const isolation of ['thread', 'process']) {
  for (const name of ['task.cts', 'task.ts']) {
    test(`a CommonJS TypeScript task (${name}, isolation '${isolation}') has its own __dirname, and its error's line`, () => {
      const file = join(folder, name);
      const script = `
const { Pool } = await import(${JSON.stringify(builtPool)});
const pool = new Pool({ filename: process.argv[1], isolation: ${JSON.stringify(isolation)}, maxThreads: 1 });
const result = await pool.run({});
const stack = await pool.run({ fail: true }).then(() => 'no error', (error) => error.stack);
await pool.destroy();
console.log(JSON.stringify({ result, stack }));
`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const { result, stack } = JSON.parse(run.stdout) as { result: unknown; stack: string };
      assert.deepEqual(result, { dirname: folder, filename: file, factor: 3 });
      assert.match(stack, /^Error: task failed\n/);
      assert.ok(stack.includes(`at task (${file}:6:19)`), stack);
    });
  }
}

// esbuild names the file tsx hands it, `bad.ts` for a `bad.cts` or `bad.mts`: a file that is not there.
test('a syntax error of a .cts or .mts task module names that file, its line and column', () => {
  writeFileSync(join(folder, 'bad.cts'), 'const x: number = ;\nmodule.exports = () => x;\n');
  writeFileSync(join(folder, 'bad.mts'), 'const x: number = ;\nexport default () => x;\n');
  for (const name of ['bad.cts', 'bad.mts']) {
    const file = join(folder, name);
    const script = `
const { Pool } = await import(${JSON.stringify(builtPool)});
const pool = new Pool({ filename: process.argv[1], maxThreads: 1 });
const message = await pool.run({}).then(() => 'no error', (error) => error.message);
await pool.destroy();
console.log(JSON.stringify(message));
`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const message = JSON.parse(run.stdout) as string;
    assert.ok(message.includes(`${file}:1:18: ERROR: Unexpected ";"`), `${name}: ${message}`);
  }
});
