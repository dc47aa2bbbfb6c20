// `--host` refused an IP address and names beyond DNS-1123 for `hive deploy compose` too, where the host only
// becomes nginx's server_name and an IP address is valid. The Ingress rules now hold for the k8s recipe alone; compose
// takes what nginx's server_name takes, as `hive edge nginx` checks it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderComposeNginx } from '../../dist/edge/compose-file.js';
import { DeployOptionError, renderDeployRecipe, resolveDeployOptions } from '../../dist/edge/index.js';

function refusedHost(host: string, recipe?: 'compose' | 'k8s'): void {
  assert.throws(
    () => resolveDeployOptions({ app: 'api', host }, recipe),
    (error: unknown) => {
      assert.ok(error instanceof DeployOptionError, `${host}: ${String(error)}`);
      assert.equal(error.key, 'host');
      assert.ok(error.message.includes(JSON.stringify(host)), error.message);
      return true;
    },
    host,
  );
}

test('compose takes an IP address or any server_name nginx takes as --host', () => {
  for (const host of [
    '10.0.0.1',
    'API.example.com',
    `${'a'.repeat(64)}.example.com`,
    '*.example.com',
    'api.example.com',
  ]) {
    const options = resolveDeployOptions({ app: 'api', host }, 'compose');
    assert.equal(options.host, host);
    assert.match(renderComposeNginx(options), new RegExp(`server_name ${host.replace(/[.*]/g, '\\$&')};`));
  }
});

test('compose refuses what nginx refuses as a server_name', () => {
  for (const host of ['a b', 'api;', 'w*.example.com', '']) refusedHost(host, 'compose');
});

test('k8s, and options for no recipe in particular, keep the Ingress rules', () => {
  for (const recipe of ['k8s', undefined] as const) {
    for (const host of ['10.0.0.1', 'API.example.com', `${'a'.repeat(64)}.example.com`, '*.example.com']) {
      refusedHost(host, recipe);
    }
    assert.equal(resolveDeployOptions({ app: 'api', host: 'api.example.com' }, recipe).host, 'api.example.com');
  }
});

test('hive deploy compose --host 10.0.0.1 goes through the recipe (k8s still refuses it)', () => {
  const files = renderDeployRecipe('compose', { app: 'api', host: '10.0.0.1' });
  assert.ok(
    files.some((file) => file.content.includes('server_name 10.0.0.1;')),
    files.map((f) => f.path).join(),
  );
  assert.throws(() => renderDeployRecipe('k8s', { app: 'api', host: '10.0.0.1' }), {
    code: 'ERR_HIVE_DEPLOY_INVALID_OPTION',
  });
});
