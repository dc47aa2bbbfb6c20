// The image's `deps` stage ran `npm ci --omit=dev` with only package.json and the lockfile: npm runs the app's own
// lifecycle scripts there too, without devDependencies, so the common `"prepare": "husky"` (husky a devDependency)
// failed every `docker build` with "husky: not found" (exit 127). The stage now installs with --ignore-scripts and
// runs the dependencies' install scripts (native addons) with `npm rebuild`, which leaves the app's `prepare` alone.
// No Docker here: the test runs the stage's COPY and RUN lines as written, with the real npm, in a directory of its
// own. The app's dependencies are local tarballs (in the lockfile as `file:`), so that npm needs no registry.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';
import { npmSandbox, runStage } from './dockerfile-stage.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-root-scripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const { sh, writePackage } = npmSandbox(dir);

/**
 * An app as many are: a `prepare` script of a devDependency's bin (husky's shape), and a production dependency with
 * an install script (a native addon's shape) that writes `built.txt` into its own folder.
 */
function makeApp(): string {
  const app = join(dir, 'app');
  const pkgs = join(app, 'pkgs');
  writePackage(join(dir, 'devtool'), { name: 'devtool', version: '1.0.0', bin: { devtool: 'bin.js' } });
  writeFileSync(join(dir, 'devtool', 'bin.js'), '#!/usr/bin/env node\n');
  chmodSync(join(dir, 'devtool', 'bin.js'), 0o755);
  const install = `node -e "require('node:fs').writeFileSync('built.txt', 'ok')"`;
  writePackage(join(dir, 'native'), { name: 'native', version: '1.0.0', scripts: { install } });
  mkdirSync(pkgs, { recursive: true });
  const packed = sh(pkgs, `npm pack ${join(dir, 'native')} ${join(dir, 'devtool')}`);
  assert.equal(packed.status, 0, packed.output);
  writePackage(app, {
    name: 'api',
    version: '1.0.0',
    scripts: { prepare: 'devtool' },
    dependencies: { native: 'file:pkgs/native-1.0.0.tgz' },
    devDependencies: { devtool: 'file:pkgs/devtool-1.0.0.tgz' },
  });
  const installed = sh(app, 'npm install');
  assert.equal(installed.status, 0, installed.output);
  return app;
}

test("the deps stage installs an app whose prepare needs a devDependency; dependencies' install scripts run", () => {
  const app = makeApp();
  const dockerfile = renderDeployRecipe('k8s', { app: 'api' })[0]!.content;
  const work = join(dir, 'stage');
  const runs = runStage(sh, app, dockerfile, 'deps', work);
  assert.ok(runs.length > 0, 'the deps stage runs npm');
  assert.ok(existsSync(join(work, 'node_modules', 'native', 'built.txt')), "the dependency's install script ran");
  assert.ok(!existsSync(join(work, 'node_modules', 'devtool')), 'no devDependency in the production install');
});
