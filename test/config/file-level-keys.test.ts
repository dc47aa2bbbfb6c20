// A config file's own unknown key (`{ apps: [...], extra: 1 }`) was "unknown key extra": no word of what a file may
// hold, and no did-you-mean, unlike an app's unknown key. Beside another problem (`apps: []`) it was not named at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configFiles, configRefusal } from './helpers.js';

const { write } = configFiles();
const app = { name: 'a', script: 'a.js' };

const refusal = (file: string) => configRefusal(file);

const hiveHolds = 'a Hive config file holds only `apps` and `edge`';
const pm2Holds = 'a PM2 file holds only `apps` (or its older name `pm2`), `deploy` and `edge`';

test("an unknown key of the file says what the file may hold, by the file's format", async () => {
  assert.deepEqual(await refusal(write('hive.config.json', JSON.stringify({ apps: [app], extra: 1 }))), {
    key: 'extra',
    message: `extra: unknown key: ${hiveHolds}`,
  });
  const cjs = write('prod.config.cjs', `module.exports = { apps: [${JSON.stringify(app)}], extra: 1 };`);
  assert.deepEqual(await refusal(cjs), { key: 'extra', message: `extra: unknown key: ${pm2Holds}` });
});

test('a key close to one the file may hold names it, as an app key does; several are all named', async () => {
  assert.deepEqual(await refusal(write('hive.config.json', JSON.stringify({ apps: [app], edg: {} }))), {
    key: 'edg',
    message: `edg: unknown key: ${hiveHolds}; did you mean \`edge\`?`,
  });
  const yml = write('ecosystem.config.yml', 'apps:\n  - name: a\n    script: a.js\nextra: 1\ndeploi: {}\n');
  assert.deepEqual(await refusal(yml), {
    key: 'extra',
    message: `extra: unknown key: ${pm2Holds}; unknown too: \`deploi\` (did you mean \`deploy\`?)`,
  });
});

test('beside an error of the apps, the unknown key is named too', async () => {
  assert.deepEqual(await refusal(write('hive.config.json', JSON.stringify({ apps: [], extra: 1 }))), {
    key: 'apps',
    message: `apps: expected at least one app; and \`extra\`: unknown key too: ${hiveHolds}`,
  });
});

test('a file with no `apps` list but a key close to it names it', async () => {
  const { message } = await refusal(write('apps.json', JSON.stringify({ aps: [app] })));
  assert.equal(
    message,
    'no `apps` list, so not a config file (expected { apps: [...] }); did you mean `apps` for `aps`?',
  );
  // A data file is not taken for a config one with a typo.
  const data = await refusal(write('data.json', JSON.stringify({ port: 3000 })));
  assert.equal(data.message, 'no `apps` list, so not a config file (expected { apps: [...] })');
});
