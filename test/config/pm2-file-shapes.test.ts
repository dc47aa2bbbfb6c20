import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { write, writeJson } = configFiles();

// PM2 reads a file's `apps`, else its `pm2`, else the whole file as one app, and takes one app object as a list of
// one (API._startJson): an old `process.json` of one app, or `apps: { ... }`, runs under PM2. Hive refused them.
test('the shapes PM2 reads a file in: one app, apps as one object, the pm2 key', async () => {
  const one = writeJson('process.json', { name: 'api', script: 'api.js', instances: 2, env: { A: '1' } });
  assert.deepEqual(
    (await loadConfig(one)).apps.map((app) => [app.name, app.instances, app.env]),
    [['api', 2, { A: '1' }]],
  );
  const object = write('ecosystem.config.js', "module.exports = { apps: { name: 'api', script: 'api.js' } };");
  assert.deepEqual(
    (await loadConfig(object)).apps.map((app) => app.name),
    ['api'],
  );
  const pm2 = writeJson('ecosystem.json', {
    pm2: [
      { name: 'a', script: 'a.js' },
      { name: 'b', script: 'b.js' },
    ],
  });
  assert.deepEqual(
    (await loadConfig(pm2)).apps.map((app) => app.name),
    ['a', 'b'],
  );
  // One app's keys are checked as any app's (named as the file has them: below).
  const typo = writeJson('process.json', { name: 'api', script: 'api.js', instaces: 2 });
  await assert.rejects(loadConfig(typo), /process\.json: \(api\)\.instaces: unknown key/);
  // A Hive config is read as written; a file with neither apps nor a script is still not a config file.
  await assert.rejects(
    loadConfig(writeJson('hive.config.json', { name: 'api', script: 'api.js' })),
    /no `apps` list, so not a config file/,
  );
  await assert.rejects(loadConfig(writeJson('data.json', { port: 3000 })), /no `apps` list, so not a config file/);
});

// A key of such a file was named `apps[0] (api).instaces`, as if the file had an apps list to look in.
test('a key of a file of one app, of apps or pm2 as one object, is named as the file has it; a list as before', async () => {
  const rejects = async (file: string, key: string) => {
    const error = await loadConfig(file).then(
      () => assert.fail(`${file} loaded`),
      (e: unknown) => e,
    );
    assert.equal((error as { key?: unknown }).key, key, String(error));
    assert.match(String((error as Error).message), new RegExp(`: ${key.replace(/[.()[\]]/g, '\\$&')}: `));
  };
  await rejects(writeJson('process.json', { name: 'api', script: 'api.js', instaces: 2 }), '(api).instaces');
  await rejects(writeJson('process.json', { script: 'api.js', env: { 'A=B': '1' } }), 'env.A=B');
  await rejects(writeJson('process.json', { name: 'api', script: 'api.js', env: { 'A=B': '1' } }), '(api).env.A=B');
  await rejects(writeJson('process.json', { name: 'api', script: 'api.js', instances: 'x' }), '(api).instances');
  const object = (apps: string) => write('ecosystem.config.js', `module.exports = { ${apps}: ${one} };`);
  const one = "{ name: 'api', script: 'api.js', exec_mode: 'cluster', execMode: 'fork', max_restarts: 'x' }";
  await rejects(object('apps'), 'apps.execMode');
  await rejects(object('pm2'), 'pm2.execMode');
  const list = (key: string) =>
    writeJson('ecosystem.json', {
      [key]: [
        { name: 'a', script: 'a.js' },
        { name: 'b', script: 'b.js', instaces: 2 },
      ],
    });
  await rejects(list('apps'), 'apps[1] (b).instaces');
  await rejects(list('pm2'), 'pm2[1] (b).instaces');
  // An app the file gives no name is named after its script once read: its keys were then `(api).instances`, beside
  // `env.A=B` and `vizion` of the same file. Named as the file has it, none.
  await rejects(writeJson('process.json', { script: 'api.js', instances: 'x' }), 'instances');
  await rejects(writeJson('process.json', { script: 'api.js', exec_mode: 'cluster', execMode: 'fork' }), 'execMode');
  const unnamed = await loadConfig(writeJson('process.json', { script: 'api.js', vizion: true, watch: 'true' }));
  assert.equal(unnamed.apps[0]!.name, 'api');
  assert.match(unnamed.warnings.join('\n'), /process\.json: vizion: ignored/);
  assert.match(unnamed.warnings.join('\n'), /process\.json: watch: "true" is a string/);
  // Warnings too.
  const warned = await loadConfig(writeJson('process.json', { name: 'api', script: 'api.js', watch: 'true' }));
  assert.match(warned.warnings.join('\n'), /process\.json: \(api\)\.watch: "true" is a string/);
  const single = write(
    'ecosystem.config.js',
    "module.exports = { apps: { name: 'api', script: 'api.js', watch: 'true' } };",
  );
  assert.match(
    (await loadConfig(single)).warnings.join('\n'),
    /ecosystem\.config\.js: apps\.watch: "true" is a string/,
  );
});
