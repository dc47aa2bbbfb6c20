// The image's `deps` stage ran `npm ci --omit=dev` with only package.json and the lockfile: npm runs the app's own
// lifecycle scripts there too, without devDependencies, so the common `"prepare": "husky"` (husky a devDependency)
// failed every `docker build` with "husky: not found" (exit 127). Then `npm ci --omit=dev --ignore-scripts` and
// `npm rebuild`, which (npm 11, the image's) still runs the root's preinstall, install and postinstall: husky 4-8's
// `"postinstall": "husky install"` failed the same way. The image now installs every dependency, runs the install
// scripts with the app's files and devDependencies there, and keeps the production ones with `npm prune --omit=dev`.
// No Docker here: the test runs the stages' COPY and RUN lines as written, with the real npm, in a directory of its
// own. The app's dependencies are local tarballs (in the lockfile as `file:`), so that npm needs no registry.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';
import { npmSandbox, runImageStages } from './dockerfile-stage.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-root-scripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const { sh, writePackage } = npmSandbox(dir);

/**
 * An app as many are: a root script (`scripts`) of a devDependency's bin (husky's shape: it skips its install with no
 * .git, as husky does), and a production dependency with an install script (a native addon's shape) that writes
 * `built.txt` into its own folder.
 */
function makeApp(name: string, scripts: Record<string, string>): string {
  const app = join(dir, name);
  const pkgs = join(app, 'pkgs');
  const devtool = join(dir, 'devtool');
  if (!existsSync(devtool)) {
    writePackage(devtool, { name: 'devtool', version: '1.0.0', bin: { devtool: 'bin.js' } });
    writeFileSync(join(devtool, 'bin.js'), "#!/usr/bin/env node\nconsole.log('.git can\\'t be found, skipping')\n");
    chmodSync(join(devtool, 'bin.js'), 0o755);
    const install = `node -e "require('node:fs').writeFileSync('built.txt', 'ok')"`;
    writePackage(join(dir, 'native'), { name: 'native', version: '1.0.0', scripts: { install } });
  }
  mkdirSync(pkgs, { recursive: true });
  const packed = sh(pkgs, `npm pack ${join(dir, 'native')} ${devtool}`);
  assert.equal(packed.status, 0, packed.output);
  writePackage(app, {
    name: 'api',
    version: '1.0.0',
    scripts,
    dependencies: { native: 'file:pkgs/native-1.0.0.tgz' },
    devDependencies: { devtool: 'file:pkgs/devtool-1.0.0.tgz' },
  });
  const installed = sh(app, 'npm install');
  assert.equal(installed.status, 0, installed.output);
  return app;
}

for (const [script, shape] of [
  ['prepare', 'husky 9'],
  ['postinstall', 'husky 4-8'],
] as const) {
  for (const build of [true, false]) {
    test(`the image installs an app whose ${script} runs a devDependency (${shape}), build ${build}`, () => {
      const name = `${script}-${build}`;
      const app = makeApp(name, { [script]: script === 'prepare' ? 'devtool' : 'devtool install' });
      const dockerfile = renderDeployRecipe('k8s', { app: 'api', build })[0]!.content;
      const modules = runImageStages(sh, app, dockerfile, join(dir, `${name}-stages`));
      assert.ok(existsSync(join(modules, 'native', 'built.txt')), "the dependency's install script ran");
      assert.ok(!existsSync(join(modules, 'devtool')), 'no devDependency in the image');
    });
  }
}
