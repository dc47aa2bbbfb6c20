// Requests and limits were fitted one way only: a limit below a default request lowered the request, but a request
// given above a default limit (cpuRequest 4 against the default limit 2) was refused. A default limit now rises to
// the request; a request above a limit the caller also gave is still refused.
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
