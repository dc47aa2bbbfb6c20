// `hive deploy k8s --sticky cookie:my-sid` wrote `upstream-hash-by: $cookie_my-sid`; nginx's variable name stops at
// the "-", so ingress-nginx hashed the cookie "my" (absent: one pod for everyone) plus the text "-sid". The k8s
// recipe now refuses such a name before any file is written; compose keeps it (its nginx reads it through a map).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DeployOptionError, renderDeployRecipe } from '../../dist/edge/index.js';
import { hiveDeploy } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-cookie-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('k8s refuses a sticky cookie name with "-", naming the option', () => {
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'chat', sticky: 'cookie:my-sid' }),
    (error: unknown) => {
      assert.ok(error instanceof DeployOptionError);
      assert.equal(error.code, 'ERR_HIVE_DEPLOY_INVALID_OPTION');
      assert.equal(error.key, 'sticky');
      assert.match(error.message, /"my-sid"/);
      assert.match(error.message, /my_sid/);
      return true;
    },
  );
});

test('compose keeps such a cookie (hashed through a map), and k8s takes one with "_"', () => {
  const compose = renderDeployRecipe('compose', { app: 'chat', sticky: 'cookie:my-sid' });
  assert.match(compose.find((file) => file.path === 'nginx.conf')?.content ?? '', /map \$http_cookie /);
  const k8s = renderDeployRecipe('k8s', { app: 'chat', sticky: 'cookie:my_sid' });
  assert.match(k8s.find((file) => file.path === 'k8s.yaml')?.content ?? '', /upstream-hash-by: "\$cookie_my_sid"/);
});

test('hive deploy k8s exits 2 and writes nothing', () => {
  const out = join(dir, 'out');
  const argv = ['k8s', '--app', 'chat', '--sticky', 'cookie:my-sid', '--out', out];
  const result = hiveDeploy(dir, ...argv);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_DEPLOY_INVALID_OPTION: --sticky \(sticky\): the cookie name "my-sid"/);
  assert.equal(existsSync(out), false);
});
