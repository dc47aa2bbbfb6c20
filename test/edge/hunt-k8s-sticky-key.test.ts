// `hive deploy k8s --sticky header:x-real-ip` (the setting edge.md recommends behind a proxy) gave the Ingress
// `upstream-hash-by: $http_x_real_ip`: at the ingress that is the client's own header, absent for nearly every
// client, so all of them hashed to one pod (and a client could pick its pod). It now hashes on $remote_addr, the
// address the ingress puts in X-Real-IP, as `hive edge nginx` hashes on it for the same setting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubernetesManifests, resolveDeployOptions } from '../../dist/edge/index.js';

function hashKey(sticky: string): unknown {
  const ingress = kubernetesManifests(resolveDeployOptions({ app: 'chat', sticky }))[2] as {
    metadata: { annotations: Record<string, string> };
  };
  return ingress.metadata.annotations['nginx.ingress.kubernetes.io/upstream-hash-by'];
}

test('sticky on the forwarded client address hashes on $remote_addr at the ingress', () => {
  assert.equal(hashKey('header:x-real-ip'), '$remote_addr');
  assert.equal(hashKey('header:X-Real-IP'), '$remote_addr');
  assert.equal(hashKey('header:x-forwarded-for'), '$remote_addr');
  assert.equal(hashKey('ip'), '$remote_addr');
});

test('other sticky keys keep their own variable, and the pod still keys on the header', () => {
  assert.equal(hashKey('header:x-user-id'), '$http_x_user_id');
  assert.equal(hashKey('cookie:sid'), '$cookie_sid');
  const [deployment] = kubernetesManifests(resolveDeployOptions({ app: 'chat', sticky: 'header:x-real-ip' }));
  const args = (deployment as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec
    .containers[0]?.args;
  assert.deepEqual(args?.slice(-2), ['--sticky', 'header:x-real-ip']);
});
