// The deploy recipes' YAML printer left `1.`, `.inf`, `.nan` and `0b101` unquoted: YAML readers (kubectl's, with
// YAML 1.1 rules, and the `yaml` package) read them as numbers, so `hive deploy k8s --script .inf` gave a
// Deployment whose args[0] is not a string, which the API refuses. Every such script name is now quoted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { parseAllDocuments } from 'yaml';
import { renderDeployRecipe } from '../../dist/edge/index.js';

test('script names that read as numbers or dates stay strings in k8s.yaml, read with YAML 1.2 and 1.1 rules', () => {
  for (const script of ['1.', '.inf', '.NaN', '0b101', '2024-01-01', '1_000', '.5', 'server.js']) {
    const k8s = renderDeployRecipe('k8s', { app: 'api', script }).find((file) => file.path === 'k8s.yaml')!.content;
    const [deployment] = parseAllDocuments(k8s).map((doc) => doc.toJS());
    assert.equal(deployment.spec.template.spec.containers[0].args[0], script, k8s);
    new Deployment(deployment).validate();
    // YAML 1.1 rules, as kubectl reads them.
    const [deployment11] = parseAllDocuments(k8s, { version: '1.1' }).map((doc) => doc.toJS());
    assert.equal(deployment11.spec.template.spec.containers[0].args[0], script);
  }
});
