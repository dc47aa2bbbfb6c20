// The image's stages installed before the app's files were copied (for the layer cache), and npm ran the app's own
// install-time scripts right there: `npm rebuild` in the deps stage runs the root's preinstall, install and
// postinstall (npm 11's does, checked; the default image's npm), `npm ci` in the build stage those and `prepare` too.
// A `"postinstall": "prisma generate"` found no schema and a `"postinstall": "patch-package"` no patches/ folder (its
// README: copy the patches before the install), so `docker build` failed; a `"prepare": "npm run build"` failed the
// build stage with no source to build. The image's stage now downloads every dependency without scripts, copies the
// app, and then runs `npm rebuild`: the dependencies' install scripts and the app's preinstall, install and
// postinstall, with its files in place and its devDependencies there (prisma's CLI is one, as its docs install it);
// `npm prune --omit=dev` then leaves the production dependencies. `prepare` does not run (husky's needs .git; the
// stage runs `npm run build`).
// No Docker here: the test runs each stage's COPY and RUN lines as written, with the real npm, in a directory of its
// own. The app's dependencies are local tarballs (in the lockfile as `file:`), so that npm needs no registry.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';
import { npmSandbox, runImageStages } from './dockerfile-stage.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-root-install-scripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const { sh, writePackage } = npmSandbox(dir);

// The app's postinstall, as patch-package behaves: it reads a patch in the app's patches/ and changes a dependency in
// node_modules. Itself a file of the app.
const postinstall = `
const fs = require('node:fs');
const patch = fs.readFileSync('patches/native+1.0.0.patch', 'utf8');
fs.writeFileSync('node_modules/native/patched.txt', patch);
`;

// A devDependency's bin, as `prisma generate` behaves (prisma's CLI is a devDependency): it reads the app's schema and
// writes the generated client into node_modules, outside any package folder.
const generate = `#!/usr/bin/env node
const fs = require('node:fs');
fs.mkdirSync('node_modules/.gen', { recursive: true });
fs.writeFileSync('node_modules/.gen/client.txt', fs.readFileSync('schema.txt', 'utf8'));
`;

/**
 * An app with the root scripts teams have: a postinstall that needs the app's files and a devDependency (prisma
 * generate, patch-package), a `prepare` of a devDependency's bin (husky), a build that needs the source; a production
 * dependency with an install script (a native addon's shape) that writes `built.txt` into its own folder.
 */
function makeApp(build: boolean): string {
  const app = join(dir, `app-${build}`);
  const pkgs = join(app, 'pkgs');
  writePackage(join(dir, 'devtool'), {
    name: 'devtool',
    version: '1.0.0',
    bin: { devtool: 'bin.js', 'devtool-generate': 'generate.js' },
  });
  writeFileSync(join(dir, 'devtool', 'generate.js'), generate);
  chmodSync(join(dir, 'devtool', 'generate.js'), 0o755);
  // It leaves a mark where it ran, as husky writes .husky/_.
  writeFileSync(
    join(dir, 'devtool', 'bin.js'),
    "#!/usr/bin/env node\nrequire('node:fs').writeFileSync('prepared.txt', '')\n",
  );
  chmodSync(join(dir, 'devtool', 'bin.js'), 0o755);
  const install = `node -e "require('node:fs').writeFileSync('built.txt', 'ok')"`;
  writePackage(join(dir, 'native'), { name: 'native', version: '1.0.0', scripts: { install } });
  mkdirSync(pkgs, { recursive: true });
  const packed = sh(pkgs, `npm pack ${join(dir, 'native')} ${join(dir, 'devtool')}`);
  assert.equal(packed.status, 0, packed.output);
  writePackage(app, {
    name: 'api',
    version: '1.0.0',
    scripts: {
      postinstall: 'devtool-generate && node scripts/postinstall.js',
      prepare: 'devtool',
      build: 'node scripts/build.js',
    },
    dependencies: { native: 'file:pkgs/native-1.0.0.tgz' },
    devDependencies: { devtool: 'file:pkgs/devtool-1.0.0.tgz' },
  });
  mkdirSync(join(app, 'scripts'));
  mkdirSync(join(app, 'patches'));
  writeFileSync(join(app, 'scripts', 'postinstall.js'), postinstall);
  writeFileSync(join(app, 'scripts', 'build.js'), `require('node:fs').cpSync('src', 'dist', { recursive: true });\n`);
  writeFileSync(join(app, 'schema.txt'), 'model User {}\n');
  writeFileSync(join(app, 'patches', 'native+1.0.0.patch'), '--- a/index.js\n+++ b/index.js\n');
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src', 'server.js'), '\n');
  const installed = sh(app, 'npm install');
  assert.equal(installed.status, 0, installed.output);
  // Not part of the app (a git checkout would ignore it): the mark of the local install's prepare.
  rmSync(join(app, 'prepared.txt'));
  return app;
}

for (const build of [true, false]) {
  test(`the app's postinstall runs with its files and devDependencies (prisma generate, patch-package), build ${build}`, () => {
    const app = makeApp(build);
    const dockerfile = renderDeployRecipe('k8s', { app: 'api', build })[0]!.content;
    const modules = runImageStages(sh, app, dockerfile, join(dir, `stages-${build}`));
    assert.equal(readFileSync(join(modules, '.gen', 'client.txt'), 'utf8'), 'model User {}\n', 'the generated client');
    assert.ok(existsSync(join(modules, 'native', 'patched.txt')), "the patch applied to the image's node_modules");
    assert.ok(existsSync(join(modules, 'native', 'built.txt')), "the dependency's install script ran");
    assert.ok(!existsSync(join(modules, 'devtool')), 'no devDependency in the image');
    const stage = join(modules, '..');
    assert.equal(existsSync(join(stage, 'dist', 'server.js')), build, 'the build ran, on the source, if asked');
    assert.ok(!existsSync(join(stage, 'prepared.txt')), "the app's prepare did not run");
  });
}
