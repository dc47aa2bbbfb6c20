// `hive deploy compose --cpu-limit 500m --memory-limit 512Mi` wrote a compose.yaml without any limit: the flags only
// reached the Kubernetes recipe. The limits the caller gives are now the app service's deploy.resources.limits, in
// compose's syntax (cpus as a decimal number of CPUs; memory in bytes or binary k, m, g, t, p). `docker compose` is
// not installed here, so the YAML is parsed rather than checked by `docker compose config`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { type DeployInput, renderDeployRecipe } from '../../dist/edge/index.js';

interface ComposeApp {
  deploy: { replicas: number; resources?: { limits: { cpus?: string; memory?: string } } };
}

function appService(input: Omit<DeployInput, 'app'>): ComposeApp {
  const files = renderDeployRecipe('compose', { app: 'api', ...input });
  const compose = parse(files.find((file) => file.path === 'compose.yaml')!.content) as {
    services: { app: ComposeApp };
  };
  return compose.services.app;
}

test('the given CPU and memory limits become the app service deploy.resources.limits', () => {
  const app = appService({ replicas: 3, resources: { cpuLimit: '500m', memoryLimit: '512Mi' } });
  assert.deepEqual(app.deploy, { replicas: 3, resources: { limits: { cpus: '0.5', memory: '512m' } } });
});

test('Kubernetes quantities are converted exactly to compose values', () => {
  const cpus: [string, string][] = [
    ['2', '2'],
    ['1.5', '1.5'],
    ['1500m', '1.5'],
    ['250m', '0.25'],
    ['2000m', '2'],
    ['0.125', '0.125'],
  ];
  for (const [cpuLimit, expected] of cpus) {
    assert.equal(appService({ resources: { cpuLimit } }).deploy.resources?.limits.cpus, expected, cpuLimit);
  }
  const memory: [string, string][] = [
    ['1Gi', '1g'],
    ['1536Mi', '1536m'],
    ['2048Mi', '2g'],
    ['6145Ki', '6145k'],
    ['2Ti', '2t'],
    ['1Pi', '1p'],
    ['1Ei', '1024p'],
    // Decimal units are not compose's (its k, m, g are binary): 8192k is 8000 KiB, 600M only holds whole bytes.
    ['8192k', '8000k'],
    ['600M', '600000000b'],
    ['1E', '976562500000000k'],
    ['7000000', '7000000b'],
  ];
  for (const [memoryLimit, expected] of memory) {
    assert.equal(appService({ resources: { memoryLimit } }).deploy.resources?.limits.memory, expected, memoryLimit);
  }
});

test('one limit given sets that one only; none given sets no limit (the Kubernetes defaults stay there)', () => {
  assert.deepEqual(appService({ resources: { cpuLimit: '1' } }).deploy.resources, { limits: { cpus: '1' } });
  assert.deepEqual(appService({ resources: { memoryLimit: '1Gi' } }).deploy.resources, { limits: { memory: '1g' } });
  assert.equal(appService({}).deploy.resources, undefined);
  assert.equal(appService({ resources: { cpuRequest: '1', memoryRequest: '1Gi' } }).deploy.resources, undefined);
});
