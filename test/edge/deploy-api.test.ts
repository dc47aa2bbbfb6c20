// The deploy recipes as a library (hive/edge): what docs/deploy.md's "From code" section shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type DeployRecipe,
  kubernetesManifests,
  renderComposeNginx,
  renderDeployRecipe,
  resolveDeployOptions,
} from '../../dist/edge/index.js';

test('hive/edge exports renderComposeNginx and DeployRecipe: the compose nginx.conf alone, the same as the recipe', () => {
  const recipe: DeployRecipe = 'compose';
  const input = { app: 'api', host: 'API.example.com', sticky: 'cookie:sid' };
  const conf = renderComposeNginx(resolveDeployOptions(input, recipe));
  assert.equal(conf, renderDeployRecipe(recipe, input).find((file) => file.path === 'nginx.conf')?.content);
  assert.match(conf, /server app:3000/);
  assert.match(conf, /hash \$hive_api_sticky_key consistent;/);
  const kinds = kubernetesManifests(resolveDeployOptions({ app: 'api' }, 'k8s')).map((manifest) => manifest.kind);
  assert.deepEqual(kinds, ['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
});
