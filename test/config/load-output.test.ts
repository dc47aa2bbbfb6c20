// What a config file prints as it loads (`console.log`, dotenv 17's `require('dotenv').config()` line) went to stdout,
// where a command's --json document is. It goes to stderr while the file loads, and only then.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

// Node >= 22.7 loads an `export default` .js config of a package without "type" as ESM by its syntax, and warned so
// (MODULE_TYPELESS_PACKAGE_JSON) at every command, and once more from the daemon. That warning about the config file
// is dropped; one about a module the config imports, and the config's own warnings, are not. Node 20 warns of none.
test("Node's typeless-package warning about the config file itself is dropped, and only that one", () => {
  const typeless = configFiles();
  typeless.writeJson('package.json', { name: 'typeless' });
  // Node warns once per package.json: the module the config imports is in a package of its own.
  mkdirSync(join(typeless.dir, 'lib'));
  typeless.writeJson('lib/package.json', { name: 'lib' });
  typeless.write('lib/shared.js', 'export const port = 3000;\n');
  const file = typeless.write(
    'ecosystem.config.js',
    "import { port } from './lib/shared.js';\nprocess.emitWarning('from the config', { code: 'OWN' });\n" +
      "export default { apps: [{ name: 'a', script: 'a.js', env: { PORT: String(port) } }] };\n",
  );
  const script = `
    const { loadConfig } = await import(${JSON.stringify(import.meta.resolve('hive/config'))});
    const config = await loadConfig(process.argv[1]);
    console.log(config.apps[0].name);`;
  const { stdout, stderr, status } = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {
    encoding: 'utf8',
  });
  assert.equal(status, 0, stderr);
  assert.equal(stdout, 'a\n');
  assert.match(stderr, /\[OWN\] Warning: from the config/);
  const typelessWarnings = stderr.split('\n').filter((line) => line.includes('MODULE_TYPELESS_PACKAGE_JSON'));
  assert.ok(
    typelessWarnings.every((line) => line.includes('shared.js')),
    stderr,
  );
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 7)) assert.equal(typelessWarnings.length, 1, stderr);
});

// An `export default` .js config in a "type": "commonjs" package fails to load, and Hive's error says to rename it to
// .mjs; Node printed beside it a warning to set "type": "module" (which would change how every .js of the app loads).
// That warning is dropped where the load's error explains it; a config that loads keeps every warning of its own.
test('Node\'s "set type: module" warning beside an ES-syntax config in a CommonJS package is dropped', () => {
  const commonjs = configFiles();
  commonjs.writeJson('package.json', { name: 'cjs', type: 'commonjs' });
  const file = commonjs.write('ecosystem.config.js', "export default { apps: [{ name: 'a', script: 'a.js' }] };\n");
  const script = `
    const { loadConfig } = await import(${JSON.stringify(import.meta.resolve('hive/config'))});
    await loadConfig(process.argv[1]).catch((e) => console.log(e.code, e.message));
    process.emitWarning('after the load', { code: 'LATER' });`;
  const { stdout, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {
    encoding: 'utf8',
  });
  assert.match(stdout, /^ERR_HIVE_CONFIG .*rename it to \.mjs/, stderr);
  assert.doesNotMatch(stderr, /type.: .module|ES module/, stderr);
  assert.match(stderr, /\[LATER\] Warning: after the load/);
});
