// The image's `deps` stage ran `npm ci --omit=dev` with only package.json and the lockfile: npm runs the app's own
// lifecycle scripts there too, without devDependencies, so the common `"prepare": "husky"` (husky a devDependency)
// failed every `docker build` with "husky: not found" (exit 127). The stage now installs with --ignore-scripts and
// runs the dependencies' install scripts (native addons) with `npm rebuild`, which leaves the app's `prepare` alone.
// No Docker here: the test runs the stage's COPY and RUN lines as written, with the real npm, in a directory of its
// own. The app's dependencies are local tarballs (in the lockfile as `file:`), so that npm needs no registry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-root-scripts-'));
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

/** The lines of one stage of the Dockerfile, from its `FROM ... AS <name>` to the next FROM. */
function stage(dockerfile: string, name: string): string[] {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((line) => line.startsWith('FROM ') && line.endsWith(` AS ${name}`));
  assert.ok(start >= 0, `no stage ${name}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('FROM '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

test("the deps stage installs an app whose prepare needs a devDependency; dependencies' install scripts run", () => {
  const app = makeApp();
  const dockerfile = renderDeployRecipe('k8s', { app: 'api' })[0]!.content;
  const work = join(dir, 'stage');
  mkdirSync(work);
  // What the registry would serve: the tarballs the lockfile names.
  cpSync(join(app, 'pkgs'), join(work, 'pkgs'), { recursive: true });
  const runs: string[] = [];
  for (const line of stage(dockerfile, 'deps')) {
    // The app, as the recipe's .dockerignore lets it in: no node_modules.
    if (line === 'COPY . .') {
      cpSync(app, work, {
        recursive: true,
        filter: (path) => !relative(app, path).split('/').includes('node_modules'),
      });
    }
    const copy = /^COPY (.+) \.\/$/.exec(line);
    if (copy !== null) for (const file of copy[1]!.split(' ')) copyFileSync(join(app, file), join(work, file));
    const run = /^RUN (.+)$/.exec(line);
    if (run === null) continue;
    runs.push(run[1]!);
    const result = sh(work, run[1]!);
    assert.equal(result.status, 0, `RUN ${run[1]} failed:\n${result.output}`);
  }
  assert.ok(runs.length > 0, 'the deps stage runs npm');
  assert.ok(existsSync(join(work, 'node_modules', 'native', 'built.txt')), "the dependency's install script ran");
  assert.ok(!existsSync(join(work, 'node_modules', 'devtool')), 'no devDependency in the production install');
});
