// The library's deploy door and env variables no environment can hold: resolveDeployOptions refused an empty name or
// one with `=` or NUL (not letters, digits and _), but took a NUL byte in an inline `env` value, which would reach
// compose.yaml and the Deployment's env. Each is refused with ERR_HIVE_DEPLOY_INVALID_OPTION naming the variable, and
// `hive deploy --with-env` leaves such a variable out with a warning naming it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recipeEnvOf } from '../../dist/edge/daemon-app-env.js';
import { resolveDeployOptions } from '../../dist/edge/index.js';

test('resolveDeployOptions refuses an empty name, "=" or NUL in a name, and NUL in a value', () => {
  const cases: [Record<string, string>, string][] = [
    [{ 'A=B': 'x' }, '.A=B'],
    [{ '': 'x' }, '[""]'],
    [{ 'A\0B': 'x' }, '["A\\u0000B"]'],
    [{ A: 'x\0y' }, '.A'],
  ];
  for (const recipe of ['compose', 'k8s'] as const) {
    for (const field of ['env', 'secretEnv'] as const) {
      for (const [env, suffix] of cases) {
        assert.throws(
          () => resolveDeployOptions({ app: 'api', [field]: env }, recipe),
          (error: Error & { code?: string; key?: string }) => {
            assert.equal(error.code, 'ERR_HIVE_DEPLOY_INVALID_OPTION');
            assert.equal(error.key, `${field}${suffix}`);
            assert.ok(error.message.startsWith(`${field}${suffix}: `), error.message);
            return true;
          },
          `${recipe} ${field} ${JSON.stringify(env)}`,
        );
      }
    }
  }
});

test('hive deploy --with-env leaves such variables out, each named in a warning', () => {
  const result = recipeEnvOf('"api"', { A: '1', 'A=B': 'x', '': 'y', C: 'x\0y' }, true, 'api.env');
  assert.deepEqual(result.secretEnv, { A: '1' });
  assert.ok(
    result.warnings.some((w) => w.startsWith('the env of "api" has "A=B", "", not a variable name the recipes take')),
    result.warnings.join('\n'),
  );
  assert.ok(
    result.warnings.some((w) => w.startsWith('the env of "api" has "C", whose values hold a line break or a NUL byte')),
    result.warnings.join('\n'),
  );
});
