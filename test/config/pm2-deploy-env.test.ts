import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig, supervisorOptions } from 'hive/config';
import { configFiles } from './helpers.js';

const { write, writeJson } = configFiles();

// PM2's deploy docs put `env: { NODE_ENV: 'production' }` in `deploy.production`, and PM2 merges it into every app's
// environment under `--env production` (Common.mergeEnvironmentVariables): the target's env, then the app's `env`
// over it, then `env_production`. Hive warned that deploy is not supported and started the apps without it.
test("a deploy target's env is the lowest layer of --env <target>, as PM2 merges it", async () => {
  const file = write(
    'ecosystem.config.js',
    `module.exports = {
      apps: [
        {
          name: 'api',
          script: 'api.js',
          env: { SHARED: 'env', ONLY_ENV: 'env' },
          env_production: { OVER: 'env_production' },
        },
        { name: 'worker', script: 'worker.js' },
      ],
      deploy: {
        production: {
          user: 'node', host: 'h', ref: 'origin/main', repo: 'r', path: '/srv',
          env: { NODE_ENV: 'production', SHARED: 'deploy', OVER: 'deploy', UNSET: process.env.HIVE_TEST_NEVER_SET },
        },
        staging: { user: 'node', host: 'h', ref: 'origin/main', repo: 'r', path: '/srv' },
      },
    };`,
  );
  const config = await loadConfig(file);
  const [api, worker] = config.apps;
  assert.deepEqual(supervisorOptions(api!, file, 'production', config.apps).env, {
    SHARED: 'env',
    ONLY_ENV: 'env',
    NODE_ENV: 'production',
    OVER: 'env_production',
  });
  // An app with no env_production of its own gets the target's env too, as in PM2.
  assert.deepEqual(supervisorOptions(worker!, file, 'production', config.apps).env, {
    NODE_ENV: 'production',
    SHARED: 'deploy',
    OVER: 'deploy',
  });
  // Without --env, nothing of it.
  assert.deepEqual(supervisorOptions(worker!, file, undefined, config.apps).env, {});
  assert.deepEqual(config.warnings, [
    `${file}: deploy.production.env.UNSET: undefined (unset where the file was loaded?), so not set, as in PM2`,
    `${file}: deploy: PM2 deploy is not supported (use \`hive deploy\` recipes); its env applies as in PM2, under an ` +
      "app's env: deploy.production.env under --env production",
  ]);
});

test("a deploy target's env variable that cannot reach the app is ERR_HIVE_CONFIG naming it", async () => {
  const file = writeJson('ecosystem.json', {
    apps: [{ name: 'api', script: 'api.js' }],
    deploy: { production: { env: { 'A=B': 'x' } } },
  });
  await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
    assert.equal(error.code, 'ERR_HIVE_CONFIG');
    assert.equal(error.key, 'deploy.production.env.A=B');
    return true;
  });
});
