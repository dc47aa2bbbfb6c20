// compose.yaml's nginx resolves `app` once, when it starts, and `docker compose up --build -d` (a new version of the
// app) recreates the app's containers, with new addresses, while Docker Compose (2.17 and later) leaves a dependent
// service running unless its depends_on says `restart: true`: nginx kept proxying to the old containers' addresses,
// 502 for every request until someone restarted it. The recipe's nginx now depends on the app with `restart: true`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderDeployRecipe } from '../../src/edge/index.js';

test("compose: nginx is restarted when up recreates the app's containers", () => {
  for (const input of [{ app: 'api' }, { app: 'api', redis: false, sticky: 'cookie:sid' }]) {
    const files = renderDeployRecipe('compose', input);
    const compose = parse(files.find((file) => file.path === 'compose.yaml')!.content);
    assert.deepEqual(compose.services.nginx.depends_on.app, { condition: 'service_healthy', restart: true });
    // A YAML boolean, as the compose specification types it, not the string "true".
    assert.equal(typeof compose.services.nginx.depends_on.app.restart, 'boolean');
  }
});
