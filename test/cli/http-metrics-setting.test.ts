// `--no-http-metrics` and `httpMetrics: false` (`http_metrics` in an ecosystem file) reach the app's primary through
// the daemon, `hive describe` says so, and `hive save` / `resurrect` keep it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { appFixture, daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

const httpMetrics = async (name: string) => (await hive.json<AppInfo>(['describe', name])).settings.httpMetrics;
const describeText = async (name: string) => (await hive.run(['describe', name])).stdout;

test('the flag and both config keys turn the counting off, describe shows it, save and resurrect keep it', async () => {
  const env = { env: { PORT: '' } };
  await hive.json(['start', appFixture, '--name', 'bare', '-i', '1', '--no-http-metrics'], env);
  await hive.json(['start', appFixture, '--name', 'counted', '-i', '1'], env);
  const config = hive.writeConfig(
    [{ name: 'keyed', script: appFixture, instances: 1, httpMetrics: false }],
    'bare.config.json',
  );
  await hive.json(['start', config], env);
  const ecosystem = join(hive.dir, 'ecosystem.config.json');
  writeFileSync(
    ecosystem,
    JSON.stringify({
      apps: [{ name: 'pm2', script: appFixture, instances: 1, exec_mode: 'cluster', http_metrics: false }],
    }),
  );
  await hive.json(['start', ecosystem], env);

  for (const name of ['bare', 'keyed', 'pm2']) {
    assert.equal(await httpMetrics(name), false, name);
    assert.match(await describeText(name), /^http metrics {2,}off$/m, name);
  }
  assert.equal(await httpMetrics('counted'), true);
  assert.doesNotMatch(await describeText('counted'), /^http metrics/m);

  await hive.json(['save']);
  await hive.json(['kill']);
  const back = await hive.json<AppInfo[]>(['resurrect']);
  assert.deepEqual(back.map((app) => [app.name, app.status]).sort(), [
    ['bare', 'online'],
    ['counted', 'online'],
    ['keyed', 'online'],
    ['pm2', 'online'],
  ]);
  for (const name of ['bare', 'keyed', 'pm2']) assert.equal(await httpMetrics(name), false, `${name} resurrected`);
  assert.equal(await httpMetrics('counted'), true);
});

test('a fork-mode program has no runtime to count: the flag is refused, and its setting is null', async () => {
  const refused = await hive.run(['start', daemonFixture('ticker.sh'), '--name', 'job', '--no-http-metrics']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--no-http-metrics needs a cluster app/);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'job']);
  assert.equal(await httpMetrics('job'), null);
  assert.doesNotMatch(await describeText('job'), /^http metrics/m);
});
