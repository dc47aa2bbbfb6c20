// `hive deploy --host`. For k8s it goes into the Ingress rule, which Kubernetes refuses unless it is a DNS-1123
// subdomain and not an IP address (an IP, "a..b" or a 64-character label passed before): refused up front, naming
// --host. For compose it only becomes nginx's server_name, where an IP address is valid: compose takes what
// `hive edge nginx` takes as a server name.
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

test('k8s takes DNS-1123 subdomains only', () => {
  for (const host of ['10.0.0.1', 'a..example.com', `${'a'.repeat(64)}.example.com`, 'api-.example.com', 'API.com']) {
    refusedHost(host, 'k8s');
  }
  for (const host of ['api.example.com', 'localhost', `${'a'.repeat(63)}.example.com`, '1.example.com', 'x1-2.io']) {
    assert.equal(resolveDeployOptions({ app: 'api', host }, 'k8s').host, host);
  }
});

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
