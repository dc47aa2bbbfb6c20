// The Kubernetes recipe, read back from the YAML it writes: the pod hardened as the "restricted" Pod Security Standard
// asks, spread over nodes, and a PodDisruptionBudget that keeps one pod through a drain when there is more than one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { parseAllDocuments } from 'yaml';
import { type DeployInput, renderDeployRecipe } from '../../dist/edge/index.js';

type Manifest = any;

function manifests(input: DeployInput): Manifest[] {
  const file = renderDeployRecipe('k8s', input).find((f) => f.path === 'k8s.yaml')!;
  const documents = parseAllDocuments(file.content);
  for (const document of documents) assert.deepEqual(document.errors, [], file.content);
  return documents.map((document) => document.toJSON());
}

test('the pod runs as the node user 1000, with RuntimeDefault seccomp, no escalation and no capabilities', () => {
  const [deployment] = manifests({ app: 'api' });
  const pod = deployment.spec.template.spec;
  assert.deepEqual(pod.securityContext, {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  const container = pod.containers[0];
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
  // hive run and the app write to /tmp: the root filesystem stays writable (no emptyDir is mounted there).
  assert.notEqual(container.securityContext.readOnlyRootFilesystem, true);
});

test('pods spread over hostnames, without ever staying unscheduled for it', () => {
  const [deployment] = manifests({ app: 'api' });
  assert.deepEqual(deployment.spec.template.spec.topologySpreadConstraints, [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
    },
  ]);
});

test('a PodDisruptionBudget of minAvailable 1 over the pods when the autoscaler keeps more than one', () => {
  const all = manifests({ app: 'api', namespace: 'prod' });
  const budget = all.find((m) => m.kind === 'PodDisruptionBudget');
  assert.ok(budget, 'a PodDisruptionBudget');
  assert.equal(budget.apiVersion, 'policy/v1');
  assert.deepEqual(budget.metadata, {
    name: 'api',
    namespace: 'prod',
    labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/managed-by': 'hive' },
  });
  assert.deepEqual(budget.spec, { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } });
  // The budget selects exactly the Deployment's pods.
  const deployment = all.find((m) => m.kind === 'Deployment');
  assert.deepEqual(budget.spec.selector, deployment.spec.selector);
  assert.doesNotThrow(() => new PodDisruptionBudget(budget).validate());
  // One pod: minAvailable 1 would block every drain of its node.
  assert.equal(
    manifests({ app: 'api', autoscale: { min: 1, max: 3 } }).some((m) => m.kind === 'PodDisruptionBudget'),
    false,
  );
});
