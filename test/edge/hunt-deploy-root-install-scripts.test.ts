// The image's stages installed before the app's files were copied (for the layer cache), and npm ran the app's own
// install-time scripts right there: `npm rebuild` in the deps stage runs the root's preinstall, install and
// postinstall (npm 11's does, checked; the default image's npm), `npm ci` in the build stage those and `prepare` too.
// A `"postinstall": "prisma generate"` found no schema and a `"postinstall": "patch-package"` no patches/ folder (its
// README: copy the patches before the install), so `docker build` failed; a `"prepare": "npm run build"` failed the
// build stage with no source to build. Both stages now download the dependencies without scripts, copy the app, and
// then run `npm rebuild`: the dependencies' install scripts and the app's preinstall, install and postinstall, with
// its files in place. `prepare` runs in neither (husky's needs devDependencies and .git; the build stage runs
// `npm run build`).
// No Docker here: the test runs each stage's COPY and RUN lines as written, with the real npm, in a directory of its
// own. The app's dependencies are local tarballs (in the lockfile as `file:`), so that npm needs no registry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-root-install-scripts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Offline, and nothing written to the user's npm cache or config.
const npmEnv = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_cache: join(dir, 'npm-cache'),
  npm_config_userconfig: join(dir, 'npmrc'),
};

function sh(cwd: string, command: string) {
  const result = spawnSync('sh', ['-c', command], { cwd, env: npmEnv, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function writePackage(path: string, pkg: Record<string, unknown>): void {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'package.json'), JSON.stringify(pkg));
}

// The app's postinstall, as prisma generate and patch-package behave: it reads the app's files (a schema, a patch in
// patches/) and writes into node_modules. Itself a file of the app, as a generator's config is.
const postinstall = `
const fs = require('node:fs');
const schema = fs.readFileSync('schema.txt', 'utf8');
fs.mkdirSync('node_modules/.gen', { recursive: true });
fs.writeFileSync('node_modules/.gen/client.txt', schema);
const patch = fs.readFileSync('patches/native+1.0.0.patch', 'utf8');
fs.writeFileSync('node_modules/native/patched.txt', patch);
`;

/**
 * An app with the root scripts teams have: a postinstall that needs the app's files (prisma generate, patch-package),
 * a `prepare` of a devDependency's bin (husky), a build that needs the source; a production dependency with an
 * install script (a native addon's shape) that writes `built.txt` into its own folder.
 */
function makeApp(): string {
  const app = join(dir, 'app');
  const pkgs = join(app, 'pkgs');
  writePackage(join(dir, 'devtool'), { name: 'devtool', version: '1.0.0', bin: { devtool: 'bin.js' } });
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
    scripts: { postinstall: 'node scripts/postinstall.js', prepare: 'devtool', build: 'node scripts/build.js' },
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

/** The lines of one stage of the Dockerfile, from its `FROM ... AS <name>` to the next FROM. */
function stage(dockerfile: string, name: string): string[] {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((line) => line.startsWith('FROM ') && line.endsWith(` AS ${name}`));
  assert.ok(start >= 0, `no stage ${name}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('FROM '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/**
 * Runs a stage's COPY and RUN lines in a directory of its own, which it returns. `COPY . .` copies the app as the
 * recipe's .dockerignore lets it (no node_modules); the lockfile's tarballs (pkgs/, what the registry would serve) are
 * there from the start.
 */
function runStage(app: string, dockerfile: string, name: string): string {
  const work = join(dir, name);
  mkdirSync(work);
  cpSync(join(app, 'pkgs'), join(work, 'pkgs'), { recursive: true });
  for (const line of stage(dockerfile, name)) {
    if (line === 'COPY . .') {
      cpSync(app, work, {
        recursive: true,
        filter: (path) => !relative(app, path).split('/').includes('node_modules'),
      });
      continue;
    }
    const copy = /^COPY (.+) \.\/$/.exec(line);
    if (copy !== null) for (const file of copy[1]!.split(' ')) copyFileSync(join(app, file), join(work, file));
    const run = /^RUN (.+)$/.exec(line);
    if (run === null) continue;
    const result = sh(work, run[1]!);
    assert.equal(result.status, 0, `${name}: RUN ${run[1]} failed:\n${result.output}`);
  }
  return work;
}

test("the app's postinstall runs with its files in both stages (prisma generate, patch-package); prepare in neither", () => {
  const app = makeApp();
  const dockerfile = renderDeployRecipe('k8s', { app: 'api' })[0]!.content;

  const deps = runStage(app, dockerfile, 'deps');
  const modules = join(deps, 'node_modules');
  assert.equal(readFileSync(join(modules, '.gen', 'client.txt'), 'utf8'), 'model User {}\n', 'the generated client');
  assert.ok(existsSync(join(modules, 'native', 'patched.txt')), "the patch applied to the image's node_modules");
  assert.ok(existsSync(join(modules, 'native', 'built.txt')), "the dependency's install script ran");
  assert.ok(!existsSync(join(modules, 'devtool')), 'no devDependency in the production install');

  const build = runStage(app, dockerfile, 'build');
  assert.ok(existsSync(join(build, 'dist', 'server.js')), 'the build ran, on the source');
  assert.ok(!existsSync(join(build, 'prepared.txt')), "the app's prepare did not run");
  assert.ok(!existsSync(join(build, 'node_modules')), 'the build stage leaves its node_modules behind');
});
