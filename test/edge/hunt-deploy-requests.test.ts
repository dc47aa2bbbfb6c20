// `hive deploy k8s --cpu-limit 250m` (or --memory-limit 128Mi) kept the default request (500m, 256Mi) above the
// limit, and Kubernetes refuses such a container ("must be less than or equal to cpu limit"); the CLI has no flag
// for the request. A default request now comes down to the limit; a request given above its limit is refused.
// The other way too: a request given above a default limit (cpuRequest 4 against the default limit 2) was refused;
// that default limit now rises to the request, and a request above a limit the caller also gave is still refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeployOptionError, kubernetesManifests, resolveDeployOptions } from '../../dist/edge/index.js';

interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

function resources(input: Parameters<typeof resolveDeployOptions>[0]): Resources {
  const [deployment] = kubernetesManifests(resolveDeployOptions(input));
  const spec = deployment as { spec: { template: { spec: { containers: { resources: Resources }[] } } } };
  return spec.spec.template.spec.containers[0]!.resources;
}

test('a limit below the default request lowers that request to the limit', () => {
  assert.deepEqual(resources({ app: 'api', resources: { cpuLimit: '250m', memoryLimit: '128Mi' } }), {
    requests: { cpu: '250m', memory: '128Mi' },
    limits: { cpu: '250m', memory: '128Mi' },
  });
  // Units are compared by value: 0.25 cores and 200M (decimal) bytes are below 500m and 256Mi.
  assert.deepEqual(resources({ app: 'api', resources: { cpuLimit: '0.25', memoryLimit: '200M' } }).requests, {
    cpu: '0.25',
    memory: '200M',
  });
});

test('limits at or above the defaults keep the default requests', () => {
  assert.deepEqual(resources({ app: 'api', resources: { cpuLimit: '1', memoryLimit: '1Gi' } }).requests, {
    cpu: '500m',
    memory: '256Mi',
  });
  assert.deepEqual(resources({ app: 'api', resources: { cpuLimit: '500m', memoryLimit: '268435456' } }).requests, {
    cpu: '500m',
    memory: '256Mi',
  });
});

test('a request given above its limit is refused, naming it', () => {
  for (const [input, key] of [
    [{ cpuRequest: '2', cpuLimit: '1500m' }, 'resources.cpuRequest'],
    [{ memoryRequest: '1Gi', memoryLimit: '512Mi' }, 'resources.memoryRequest'],
  ] as const) {
    assert.throws(
      () => resolveDeployOptions({ app: 'api', resources: input }),
      (error: unknown) => {
        assert.ok(error instanceof DeployOptionError);
        assert.equal(error.key, key);
        assert.match(error.message, /Kubernetes refuses/);
        return true;
      },
    );
  }
});

test('a request above the default limit raises that limit to the request', () => {
  assert.deepEqual(resources({ app: 'api', resources: { cpuRequest: '4', memoryRequest: '1Gi' } }), {
    requests: { cpu: '4', memory: '1Gi' },
    limits: { cpu: '4', memory: '1Gi' },
  });
  // Compared by value: 2500m cores and 600M bytes are above the defaults 2 and 512Mi (537 MB).
  assert.deepEqual(resources({ app: 'api', resources: { cpuRequest: '2500m', memoryRequest: '600M' } }).limits, {
    cpu: '2500m',
    memory: '600M',
  });
});

test('a request at or below the default limit keeps it', () => {
  assert.deepEqual(resources({ app: 'api', resources: { cpuRequest: '2', memoryRequest: '512Mi' } }).limits, {
    cpu: '2',
    memory: '512Mi',
  });
});

test('a request above a limit the caller gave is still refused', () => {
  assert.throws(
    () => resolveDeployOptions({ app: 'api', resources: { cpuRequest: '4', cpuLimit: '3' } }),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'resources.cpuRequest',
  );
  assert.throws(
    () => resolveDeployOptions({ app: 'api', resources: { memoryRequest: '1Gi', memoryLimit: '1G' } }),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'resources.memoryRequest',
  );
});
