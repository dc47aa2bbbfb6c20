// An error a JavaScript config file throws as it runs (`proces.env.A`) was "failed to load: proces is not defined", with
// no line: syntax errors had one. Loaded in a plain node process, as the CLI loads it: this runner's tsx hooks would
// compile the files themselves.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configFiles } from './helpers.js';

const { dir } = configFiles();

/** What loading `file` in a plain node process threw: its code and message, or `loaded`. */
function loadInNode(file: string): string {
  const script = `import(${JSON.stringify(import.meta.resolve('hive/config'))}).then((m) => m.loadConfig(process.argv[1])).then(() => console.log('loaded'), (e) => console.log(e.code, e.message))`;
  return spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8' }).stdout.trim();
}

function project(name: string, type: 'module' | 'commonjs', files: Record<string, string>): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  return folder;
}

const cjsApps = "module.exports = { apps: [{ name: 'r', script: 'a.js',\n  env: { A: proces.env.A } }] };\n";
const esmApps = "export default { apps: [{ name: 'r', script: 'a.js',\n  env: { A: proces.env.A } }] };\n";

test('an error thrown as the file runs names its line and column, in CommonJS and ES module files', () => {
  const cjs = project('cjs', 'commonjs', {
    'ref.config.js': cjsApps,
    'ref.config.cjs': cjsApps,
    'ref.config.mjs': esmApps,
  });
  const esm = project('esm', 'module', { 'ref.config.js': esmApps });
  for (const file of [
    join(cjs, 'ref.config.js'),
    join(cjs, 'ref.config.cjs'),
    join(cjs, 'ref.config.mjs'),
    join(esm, 'ref.config.js'),
  ]) {
    assert.equal(
      loadInNode(file),
      `ERR_HIVE_CONFIG ${file}: failed to load: proces is not defined (line 2, column 13)`,
      file,
    );
  }
});

test("a TypeScript ES module's error names the line of its source, not of the compiled code", () => {
  const ts = project('ts', 'module', {
    'ref.config.ts': `interface Extra {\n  a: number;\n}\nconst extra: Extra = { a: 1 };\n${esmApps}`,
  });
  const file = join(ts, 'ref.config.ts');
  assert.equal(loadInNode(file), `ERR_HIVE_CONFIG ${file}: failed to load: proces is not defined (line 6, column 13)`);
});

test("the file's line of an error from what it called; a SyntaxError its code threw; a missing package", () => {
  const folder = project('calls', 'commonjs', {
    'helper.cjs': "module.exports = () => {\n  throw new Error('helper failed');\n};\n",
    'calls.config.js': "// apps\nconst apps = require('./helper.cjs')();\nmodule.exports = { apps };\n",
    'parse.config.js': "const apps = JSON.parse('{x');\nmodule.exports = { apps };\n",
    'missing.config.js': "require('no-such-package-of-hive');\nmodule.exports = { apps: [] };\n",
  });
  const at = (name: string) => join(folder, name);
  assert.equal(
    loadInNode(at('calls.config.js')),
    `ERR_HIVE_CONFIG ${at('calls.config.js')}: failed to load: helper failed (line 2, column 37)`,
  );
  assert.match(
    loadInNode(at('parse.config.js')),
    /^ERR_HIVE_CONFIG \S+parse\.config\.js: failed to load: .*JSON.* \(line 1, column 19\)$/,
  );
  // Node's own words, which name the package, and the line that asked for it.
  assert.equal(
    loadInNode(at('missing.config.js')),
    `ERR_HIVE_CONFIG ${at('missing.config.js')}: failed to load: Cannot find module 'no-such-package-of-hive' (line 1, column 1)`,
  );
});

// Node 20 (and 22 before 22.22.3) got a CommonJS TypeScript config from tsx's ESM loader as a `data:` module: its
// `__dirname` was `data:text`, and its error named no line. Hive loads it through tsx's CommonJS loader.
test('a CommonJS TypeScript config has its own __dirname, and its error names the line of its source', () => {
  const ts = `interface Extra {\n  a: number;\n}\nconst extra: Extra = { a: 1 };\n`;
  const dirApps =
    "const { port }: { port: number } = require('./port.ts');\n" +
    "module.exports = { apps: [{ name: 'r', script: 'a.js', port, env: { DIR: __dirname, FILE: __filename } }] };\n";
  const folder = project('cts', 'commonjs', {
    'port.ts': 'export const port: number = 3001;\n',
    'dir.config.cts': dirApps,
    'dir.config.ts': dirApps,
    'ref.config.cts': `${ts}${cjsApps}`,
    'ref.config.ts': `${ts}${cjsApps}`,
  });
  for (const name of ['dir.config.cts', 'dir.config.ts']) {
    const file = join(folder, name);
    const script = `import(${JSON.stringify(import.meta.resolve('hive/config'))}).then((m) => m.loadConfig(process.argv[1])).then((c) => console.log(JSON.stringify([c.apps[0].port, c.apps[0].env])), (e) => console.log(e.code, e.message))`;
    const out = spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8' }).stdout.trim();
    assert.equal(out, JSON.stringify([3001, { DIR: folder, FILE: file }]), name);
  }
  for (const name of ['ref.config.cts', 'ref.config.ts']) {
    const file = join(folder, name);
    assert.equal(
      loadInNode(file),
      `ERR_HIVE_CONFIG ${file}: failed to load: proces is not defined (line 6, column 13)`,
    );
  }
});
