// What a config file prints as it loads (`console.log`, dotenv 17's `require('dotenv').config()` line) went to stdout,
// where a command's --json document is. It goes to stderr while the file loads, and only then.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { configFiles } from './helpers.js';

const { write } = configFiles();

test("a config file's prints go to stderr while it loads, stdout is back once it has loaded or failed", () => {
  const good = write(
    'good.config.js',
    "console.log('from good');\nmodule.exports = { apps: [{ name: 'g', script: 'g.js' }] };\n",
  );
  const other = write(
    'other.config.mjs',
    "process.stdout.write('from other\\n');\nexport default { apps: [{ name: 'o', script: 'o.js' }] };\n",
  );
  const bad = write('bad.config.js', "console.log('from bad');\nthrow new Error('no');\n");
  // In a plain node process, as the CLI runs: this test runner's own output is on its stdout.
  const script = `
    const { loadConfig } = await import(${JSON.stringify(import.meta.resolve('hive/config'))});
    const [a, b] = process.argv.slice(1);
    const both = await Promise.all([loadConfig(a), loadConfig(b)]);
    console.log('loaded', both.map((c) => c.apps[0].name).join(' '));
    await loadConfig(process.argv[3]).catch((e) => console.log('refused', e.code));
    process.stdout.write('stdout again\\n');`;
  const { stdout, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', script, good, other, bad], {
    encoding: 'utf8',
  });
  assert.equal(stdout, 'loaded g o\nrefused ERR_HIVE_CONFIG\nstdout again\n', stderr);
  assert.deepEqual(stderr.split('\n').sort(), ['', 'from bad', 'from good', 'from other']);
});
