// `hive deploy --host` took anything of [a-z0-9.-] between alphanumerics: an IP address, "a..b", a 64-character
// label. Each went into the Ingress rule, which Kubernetes refuses (a host must be a DNS-1123 subdomain and not an
// IP address). They are now refused up front, naming --host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeployOptionError, resolveDeployOptions } from '../../dist/edge/index.js';

test('--host takes DNS-1123 subdomains only', () => {
  for (const host of ['10.0.0.1', 'a..example.com', `${'a'.repeat(64)}.example.com`, 'api-.example.com', 'API.com']) {
    assert.throws(
      () => resolveDeployOptions({ app: 'api', host }),
      (error: unknown) => {
        assert.ok(error instanceof DeployOptionError, `${host}: ${String(error)}`);
        assert.equal(error.key, 'host');
        assert.ok(error.message.includes(JSON.stringify(host)), error.message);
        return true;
      },
      host,
    );
  }
  for (const host of ['api.example.com', 'localhost', `${'a'.repeat(63)}.example.com`, '1.example.com', 'x1-2.io']) {
    assert.equal(resolveDeployOptions({ app: 'api', host }).host, host);
  }
});
