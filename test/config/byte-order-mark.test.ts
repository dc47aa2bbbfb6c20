// A config file saved with a UTF-8 byte order mark (Windows editors write one): a .json one was refused as "not valid
// JSON (PM2 reads ... comments, trailing commas ...)", though PM2 loads it and nothing in it was wrong.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { write } = configFiles();
const bom = '\uFEFF';

test('a .json or .yaml config file with a byte order mark loads, in either format', async () => {
  const files = [
    write('bom.json', `${bom}{"apps":[{"name":"bom","script":"server.js"}]}`),
    write('hive.config.json', `${bom}{"apps":[{"name":"bom","script":"server.js"}]}`),
    write('process.yml', `${bom}apps:\n  - name: bom\n    script: server.js\n`),
  ];
  for (const file of files) {
    const config = await loadConfig(file);
    assert.deepEqual(
      config.apps.map((app) => app.name),
      ['bom'],
      file,
    );
  }
});

test('so does a .js, .cjs, .mjs or .ts one, loaded as the CLI loads it', () => {
  const commonjs = "module.exports = { apps: [{ name: 'bom', script: 'server.js' }] };\n";
  const esm = "export default { apps: [{ name: 'bom', script: 'server.js' }] };\n";
  const files = [
    write('bom.config.js', `${bom}${commonjs}`),
    write('bom.config.cjs', `${bom}${commonjs}`),
    write('bom.config.mjs', `${bom}${esm}`),
    write('bom.config.ts', `${bom}${esm}`),
  ];
  const script = `import(${JSON.stringify(import.meta.resolve('hive/config'))}).then(async (m) => { for (const f of process.argv.slice(1)) console.log((await m.loadConfig(f)).apps[0].name); })`;
  const { stdout, stderr } = spawnSync(process.execPath, ['-e', script, ...files], { encoding: 'utf8' });
  assert.equal(stdout, 'bom\nbom\nbom\nbom\n', stderr);
});
