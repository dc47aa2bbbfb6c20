// `hive deploy k8s --max 1` stopped with "autoscale.min: 2 is above autoscale.max (1)", naming a minimum the user
// never gave (the default). The default minimum now comes down to the maximum; a given minimum above it is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeployOptionError, resolveDeployOptions } from '../../dist/edge/index.js';

test('a maximum below the default minimum lowers the minimum', () => {
  assert.deepEqual(resolveDeployOptions({ app: 'api', autoscale: { max: 1 } }).autoscale, {
    min: 1,
    max: 1,
    cpuUtilization: 70,
  });
  assert.equal(resolveDeployOptions({ app: 'api', autoscale: { max: 5 } }).autoscale.min, 2);
});

test('a minimum given above the maximum is still refused, naming it', () => {
  assert.throws(
    () => resolveDeployOptions({ app: 'api', autoscale: { min: 3, max: 2 } }),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'autoscale.min',
  );
});
