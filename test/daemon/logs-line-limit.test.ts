// docs/cli.md: a line longer than 64 Ki characters is written as several lines of at most that, each prefixed. Both
// a finished line (one console.log) and one without a newline yet, in cluster and in fork mode, wherever the pipe
// happened to cut the output.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const MAX = 64 * 1024;

// Prints a 100 000-character line, a 300 000-character one written in uneven parts (its newline last), then `done`.
const program = `
const long = (n, c) => c.repeat(n);
console.log(long(100000, 'a'));
process.stdout.write(long(70000, 'b'));
setTimeout(() => {
  process.stdout.write(long(150000, 'b'));
  setTimeout(() => {
    process.stdout.write(long(80000, 'b') + '\\n');
    console.log('done');
  }, 50);
}, 50);
`;

for (const mode of ['cluster', 'fork'] as const) {
  test(`${mode} mode: every line over 64 Ki characters is written in prefixed pieces of at most 64 Ki`, async () => {
    const script = join(hive.dir, `${mode}.js`);
    const serve =
      mode === 'cluster' ? "require('node:http').createServer().listen(0);\n" : 'setInterval(() => {}, 1000);\n';
    writeFileSync(script, program + serve);
    await hive.json(['start', script, '--name', mode, ...(mode === 'fork' ? ['-x'] : ['-i', '1'])]);
    await waitFor(() => hive.readLog(`${mode}-out.log`).includes(`[${mode}:0] done\n`), 'the line after the long ones');
    const lines = hive
      .readLog(`${mode}-out.log`)
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        assert.match(line.slice(0, 20), new RegExp(`^\\[${mode}:0\\] `), `an unprefixed line: ${line.slice(0, 80)}`);
        return line.slice(`[${mode}:0] `.length);
      })
      .filter((line) => line !== 'done');
    const a = lines.filter((line) => line.startsWith('a'));
    const b = lines.filter((line) => line.startsWith('b'));
    assert.deepEqual(
      a.map((line) => line.length),
      [MAX, 100_000 - MAX],
    );
    assert.equal(b.join(''), 'b'.repeat(300_000));
    for (const line of b) assert.ok(line.length <= MAX, `a piece of ${line.length} characters`);
    await hive.json(['delete', mode]);
  });
}
