// `hive deploy --script`: the image holds the build context only, so a script above it (or at an absolute path) is
// refused with a typed error naming the flag, rather than written into a CMD every container would fail on.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveDeployOptions } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { hiveDeploy } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-script-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a script outside the build context is refused, naming the option', () => {
  for (const script of ['../x.js', '..', '.', 'dist/../../x.js', '/srv/app/server.js', './..']) {
    assert.throws(
      () => resolveDeployOptions({ app: 'api', script }),
      (error: unknown) =>
        error instanceof HiveError &&
        error.code === 'ERR_HIVE_DEPLOY_INVALID_OPTION' &&
        (error as HiveError & { key: string }).key === 'script' &&
        /^script: expected a path inside the app's directory .*, got "/.test(error.message),
      script,
    );
  }
  for (const script of ['server.js', 'dist/server.js', './server.js', 'dist/../server.js']) {
    assert.equal(resolveDeployOptions({ app: 'api', script }).script, script);
  }
});

test('a script that hive run would take as an option is refused, naming the option', () => {
  for (const script of ['--inspect', '-i', '-x.js']) {
    assert.throws(
      () => resolveDeployOptions({ app: 'api', script }),
      (error: unknown) =>
        error instanceof HiveError &&
        (error as HiveError & { key: string }).key === 'script' &&
        /^script: expected a script path, not an option/.test(error.message),
      script,
    );
  }
  assert.equal(resolveDeployOptions({ app: 'api', script: './-x.js' }).script, './-x.js');
});

test('hive deploy --script ../x.js exits 2 naming --script and writes nothing', () => {
  const out = join(dir, 'out');
  const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--script', '../x.js', '--out', out);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_DEPLOY_INVALID_OPTION: --script \(script\): expected a path inside/);
  assert.equal(existsSync(out), false);
});
