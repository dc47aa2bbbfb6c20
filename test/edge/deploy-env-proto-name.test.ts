// `hive deploy --with-env` and an app variable named `__proto__`: it fits the recipes' name pattern, so it was written
// into the env file's record by assignment, which set the record's prototype instead, and the variable was dropped
// without the warning every other variable left out gets. It is now left out and said, by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recipeEnvOf } from '../../dist/edge/daemon-app-env.js';
import { resolveDeployOptions } from '../../dist/edge/index.js';

test('a __proto__ variable is left out of the recipe with a warning naming it', () => {
  const env = JSON.parse('{"A":"1","__proto__":"x"}') as Record<string, string>;
  const result = recipeEnvOf('"api"', env, true, 'api.env');
  assert.deepEqual(Object.keys(result.secretEnv), ['A']);
  assert.equal(Object.getPrototypeOf(result.secretEnv), Object.prototype);
  assert.equal(result.warnings.length, 1, result.warnings.join('\n'));
  assert.match(result.warnings[0]!, /^the env of "api" has "__proto__", not a variable name the recipes take/);
});

// The library's own door: resolveDeployOptions' records (zod) dropped a JSON-parsed `__proto__` without a word.
test('resolveDeployOptions refuses an env or secretEnv variable named __proto__', () => {
  for (const field of ['env', 'secretEnv'] as const) {
    const input = { app: 'api', [field]: JSON.parse('{"A":"1","__proto__":"x"}') };
    assert.throws(
      () => resolveDeployOptions(input, 'compose'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_HIVE_DEPLOY_INVALID_OPTION');
        assert.match(error.message, new RegExp(`^${field}\\.__proto__: not a variable name the recipes take`));
        return true;
      },
    );
  }
});
