// deployWarnings told the app's variables the recipe sets itself with `name in recipeEnv`, which also holds for what
// every object inherits: an app variable named `constructor` or `toString` (`--with-env`) got the warning "the recipe
// sets constructor=function Object() { [native code] } itself", which is false (the container gets the app's value).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployWarnings } from '../../dist/edge/index.js';

test("an app variable named as an Object method gets no warning of a recipe's own variable", () => {
  for (const recipe of ['compose', 'k8s'] as const) {
    const warnings = deployWarnings(recipe, {
      app: 'api',
      secretEnv: { constructor: 'a', toString: 'b', hasOwnProperty: 'c' },
      env: { valueOf: 'd' },
    });
    assert.deepEqual(
      warnings.filter((warning) => warning.startsWith('env ')),
      [],
    );
  }
  // The recipe's own still are warned about.
  const warnings = deployWarnings('compose', { app: 'api', secretEnv: { NODE_ENV: 'development' } });
  assert.ok(warnings.some((warning) => warning.startsWith('env NODE_ENV: the recipe sets NODE_ENV=production')));
});
