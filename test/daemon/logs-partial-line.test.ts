// PM2 writes an app's output as it comes: a `process.stdout.write('partial')` with no newline shows in the log once
// the app is quiet for a moment (docs/cli.md), as a line of its own, not held until the next newline or the exit and
// then glued to the next write. The newline that only ends it makes no empty line.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// Each write waits for the test to create the gate file it names: the one before it is in the log by then.
const program = (dir: string) => `
const { existsSync } = require('node:fs');
const gate = (name) => new Promise((resolve) => {
  const check = () => (existsSync(${JSON.stringify(dir)} + '/' + name) ? resolve() : setTimeout(check, 20));
  check();
});
(async () => {
  process.stdout.write('partial');
  await gate('1');
  process.stdout.write('next\\n');
  process.stdout.write('step');
  await gate('2');
  process.stdout.write('\\n');
  console.log('after');
})();
`;

for (const mode of ['cluster', 'fork'] as const) {
  test(`${mode} mode: output without a newline is written as its own line once the app is quiet`, async () => {
    const dir = join(hive.dir, mode);
    mkdirSync(dir);
    const script = join(dir, 'app.js');
    const serve =
      mode === 'cluster' ? "require('node:http').createServer().listen(0);\n" : 'setInterval(() => {}, 1000);\n';
    writeFileSync(script, program(dir) + serve);
    await hive.json(['start', script, '--name', mode, ...(mode === 'fork' ? ['-x'] : ['-i', '1'])]);
    const log = () => hive.readLog(`${mode}-out.log`);
    await waitFor(() => log().includes(`[${mode}:0] partial\n`), 'the partial line, while the app waits');
    writeFileSync(join(dir, '1'), '');
    await waitFor(() => log().includes(`[${mode}:0] step\n`), 'the second partial line');
    writeFileSync(join(dir, '2'), '');
    await waitFor(() => log().includes(`[${mode}:0] after\n`), 'the last line');
    assert.deepEqual(
      log().split('\n').filter(Boolean),
      ['partial', 'next', 'step', 'after'].map((l) => `[${mode}:0] ${l}`),
    );
    await hive.json(['delete', mode]);
  });
}
