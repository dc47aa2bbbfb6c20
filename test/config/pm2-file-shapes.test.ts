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
  // One app's keys are checked as any app's, named by its place.
  const typo = writeJson('process.json', { name: 'api', script: 'api.js', instaces: 2 });
  await assert.rejects(loadConfig(typo), /process\.json: apps\[0\] \(api\)\.instaces: unknown key/);
  // A Hive config is read as written; a file with neither apps nor a script is still not a config file.
  await assert.rejects(
    loadConfig(writeJson('hive.config.json', { name: 'api', script: 'api.js' })),
    /no `apps` list, so not a config file/,
  );
  await assert.rejects(loadConfig(writeJson('data.json', { port: 3000 })), /no `apps` list, so not a config file/);
});
