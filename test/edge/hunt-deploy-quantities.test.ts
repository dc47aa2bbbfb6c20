// `--memory-limit 1.5Gi`, a valid Kubernetes quantity, was refused, while `--cpu-limit 2.5555`, finer than the
// millicore Kubernetes allows, was taken. Memory now takes decimal quantities as Kubernetes does (compose gets the
// amount in whole bytes, rounded up as the kubelet rounds it), and a CPU quantity finer than 1m is refused, saying so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { type DeployInput, DeployOptionError, renderDeployRecipe } from '../../dist/edge/index.js';

function composeLimits(resources: DeployInput['resources']): { cpus?: string; memory?: string } | undefined {
  const files = renderDeployRecipe('compose', { app: 'api', resources });
  return parse(files.find((file) => file.path === 'compose.yaml')!.content).services.app.deploy.resources?.limits;
}

function k8sLimits(resources: DeployInput['resources']): { cpu: string; memory: string } {
  const files = renderDeployRecipe('k8s', { app: 'api', resources });
  const docs = parseAllDocuments(files.find((file) => file.path === 'k8s.yaml')!.content).map((doc) => doc.toJSON());
  return docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0].resources.limits;
}

test('decimal memory quantities are taken, and converted exactly for compose', () => {
  assert.equal(k8sLimits({ memoryLimit: '1.5Gi' }).memory, '1.5Gi');
  const cases: [string, string][] = [
    ['1.5Gi', '1536m'],
    ['0.5Gi', '512m'],
    ['6.5Mi', '6656k'],
    ['1.25G', '1250000000b'],
    // 10.0001Mi is 10485864.8576 bytes: a whole byte more, as the kubelet rounds a fraction up.
    ['10.0001Mi', '10485865b'],
  ];
  for (const [memoryLimit, expected] of cases) {
    assert.equal(composeLimits({ memoryLimit })?.memory, expected, memoryLimit);
  }
});

test('a decimal memory quantity counts at its value for the 6Mi minimum and against the request', () => {
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'api', resources: { memoryLimit: '5.9Mi' } }),
    (error: unknown) => error instanceof DeployOptionError && /below 6Mi/.test(error.message),
  );
  // 0.2Gi is below the default request (256Mi), which comes down to it.
  const files = renderDeployRecipe('k8s', { app: 'api', resources: { memoryLimit: '0.2Gi' } });
  const docs = parseAllDocuments(files.find((file) => file.path === 'k8s.yaml')!.content).map((doc) => doc.toJSON());
  const { requests } = docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0].resources;
  assert.equal(requests.memory, '0.2Gi');
});

test('a CPU quantity finer than 1m is refused, naming the precision; up to 1m it is taken', () => {
  for (const cpuLimit of ['2.5555', '0.0005', '1.5m']) {
    assert.throws(
      () => renderDeployRecipe('k8s', { app: 'api', resources: { cpuLimit } }),
      (error: unknown) =>
        error instanceof DeployOptionError && error.key === 'resources.cpuLimit' && /finer than 1m/.test(error.message),
      cpuLimit,
    );
  }
  assert.equal(k8sLimits({ cpuLimit: '2.555' }).cpu, '2.555');
  assert.equal(composeLimits({ cpuLimit: '2.555' })?.cpus, '2.555');
});
