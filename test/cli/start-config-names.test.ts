// PM2 loads `*.config.js|cjs|mjs` and `.json`/`.yml`/`.yaml` files as config files whatever their name
// (`pm2 start prod.config.js`, `pm2 start apps.json`); Hive ran them as scripts. Hive loads TypeScript configs too, yet
// ran `prod.config.ts` as a cluster app (ERR_HIVE_APP_OPERATION after the listen timeout, an errored app left behind).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;

type App = { name: string; mode: string; status: string; script: string };
const ticker = daemonFixture('ticker.sh');

test('prod.config.js|ts, apps.json, pm2.json, process.yml start their apps, read as PM2 files', async () => {
  const files: [string, string][] = [
    ['prod.config.js', `module.exports = { apps: [{ name: 'js', script: ${JSON.stringify(ticker)} }] };`],
    [
      't.config.ts',
      `const script: string = ${JSON.stringify(ticker)};\nexport default { apps: [{ name: 'ts', script }] };`,
    ],
    ['apps.json', JSON.stringify({ apps: [{ name: 'json', script: ticker, exec_mode: 'fork' }] })],
    ['pm2.json', JSON.stringify([{ name: 'array', script: ticker }])],
    ['process.yml', `apps:\n  - name: yml\n    script: ${ticker}\n`],
  ];
  for (const [name, text] of files) {
    writeFileSync(join(dir, name), text);
    const apps = await hive.json<App[]>(['start', join(dir, name)]);
    assert.deepEqual(
      apps.map((app) => [app.mode, app.status]),
      [['fork', 'online']],
      name,
    );
  }
  const listed = await hive.json<App[]>(['ls']);
  assert.deepEqual(listed.map((app) => app.name).sort(), ['array', 'js', 'json', 'ts', 'yml']);
});

test('a .json without `apps` is a config error naming the file; a .js not named *.config.* stays a script', async () => {
  const data = join(dir, 'data.json');
  writeFileSync(data, JSON.stringify({ port: 3000 }));
  const result = await hive.run(['start', data]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_CONFIG: /);
  assert.ok(result.stderr.includes(data), result.stderr);
  const script = join(dir, 'server.js');
  writeFileSync(script, "require('node:http').createServer((req, res) => res.end()).listen(0);\n");
  const [app] = await hive.json<App[]>(['start', script, '-i', '1']);
  assert.deepEqual([app!.name, app!.script, app!.status], ['server', script, 'online']);
});
