// `--memory-limit` took "512K", which the Kubernetes API server refuses (its decimal kilo is a lowercase "k"), and
// refused the valid "512k". The units are now Kubernetes' own: k, M, G, T, P, E and Ki, Mi, Gi, Ti, Pi, Ei.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeployOptionError, resolveDeployOptions } from '../../dist/edge/index.js';

test('memory quantities take the Kubernetes suffixes, lowercase k included', () => {
  // Each at least 6Mi, the least limit either recipe takes (hunt-k8s-limit-minimum.test.ts).
  for (const memoryLimit of ['51200k', '600M', '1G', '1T', '1P', '1E', '51200Ki', '8Mi', '1Gi', '1Ti', '1Pi', '1Ei']) {
    assert.equal(resolveDeployOptions({ app: 'api', resources: { memoryLimit } }).resources.memoryLimit, memoryLimit);
  }
  // 300000k is 300 MB, above the 256Mi default request (268 MB), which stays; 200000k (200 MB) brings it down.
  assert.equal(
    resolveDeployOptions({ app: 'api', resources: { memoryLimit: '300000k' } }).resources.memoryRequest,
    '256Mi',
  );
  assert.equal(
    resolveDeployOptions({ app: 'api', resources: { memoryLimit: '200000k' } }).resources.memoryRequest,
    '200000k',
  );
});

test('a suffix Kubernetes does not know is refused, naming the option', () => {
  for (const memoryLimit of ['512K', '1KI', '1m', '1g', '1Ki2']) {
    assert.throws(
      () => resolveDeployOptions({ app: 'api', resources: { memoryLimit } }),
      (error: unknown) => {
        assert.ok(error instanceof DeployOptionError, `${memoryLimit}: ${String(error)}`);
        assert.equal(error.key, 'resources.memoryLimit');
        return true;
      },
      memoryLimit,
    );
  }
});
