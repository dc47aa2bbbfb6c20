// An npm workspaces app (a monorepo's root, packages/*) whose workspace has an install script that runs one of its
// devDependencies, as a `packages/db` with `"postinstall": "prisma generate"` and prisma's CLI a devDependency has:
// the image's stage ran it in `npm rebuild` (devDependencies there), but npm 11's `npm prune --omit=dev` ran it
// again once the devDependencies were gone, and `docker build` failed with `<bin>: not found`. The prune now runs
// with --ignore-scripts, and what the script wrote stays.
// No Docker here: the test runs the stages' COPY and RUN lines as written, with the real npm, in a directory of its
// own. The app's dependencies are local tarballs (in the lockfile as `file:`), so that npm needs no registry.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';
import { npmSandbox, runImageStages } from './dockerfile-stage.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-workspace-scripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const { sh, writePackage } = npmSandbox(dir);

// A devDependency's bin, as `prisma generate` behaves: it writes the generated client next to the workspace's schema.
const generate = `#!/usr/bin/env node
require('node:fs').writeFileSync('client.txt', 'generated');
`;

/** The monorepo: the root (the app, with hive) and packages/db, whose postinstall runs its devDependency `gen`. */
function makeApp(): string {
  const app = join(dir, 'app');
  const gen = join(dir, 'gen');
  writePackage(gen, { name: 'gen', version: '1.0.0', bin: { gen: 'bin.js' } });
  writeFileSync(join(gen, 'bin.js'), generate);
  chmodSync(join(gen, 'bin.js'), 0o755);
  writePackage(join(dir, 'hive'), { name: 'hive', version: '1.0.0' });
  const pkgs = join(app, 'pkgs');
  mkdirSync(pkgs, { recursive: true });
  const packed = sh(pkgs, `npm pack ${gen} ${join(dir, 'hive')}`);
  assert.equal(packed.status, 0, packed.output);
  writePackage(app, {
    name: 'api',
    version: '1.0.0',
    workspaces: ['packages/*'],
    dependencies: { db: '*', hive: 'file:pkgs/hive-1.0.0.tgz' },
  });
  writePackage(join(app, 'packages', 'db'), {
    name: 'db',
    version: '1.0.0',
    scripts: { postinstall: 'gen' },
    devDependencies: { gen: 'file:../../pkgs/gen-1.0.0.tgz' },
  });
  const installed = sh(app, 'npm install --ignore-scripts');
  assert.equal(installed.status, 0, installed.output);
  return app;
}

const app = makeApp();

for (const build of [true, false]) {
  test(`the image installs a workspace whose postinstall runs its devDependency, build ${build}`, () => {
    const dockerfile = renderDeployRecipe('k8s', { app: 'api', build })[0]!.content;
    // Each RUN line is asserted to succeed: the prune was the one that failed.
    const modules = runImageStages(sh, app, dockerfile, join(dir, `stages-${build}`));
    const image = dirname(modules);
    assert.equal(existsSync(join(image, 'packages', 'db', 'client.txt')), true, "the workspace's postinstall ran");
    assert.equal(lstatSync(join(modules, 'db')).isSymbolicLink(), true, 'the workspace is linked');
    assert.equal(existsSync(join(modules, 'hive')), true);
    assert.equal(existsSync(join(modules, 'gen')), false, 'no devDependency in the image');
  });
}
