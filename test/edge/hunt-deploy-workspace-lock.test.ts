// `hive deploy` in a workspace of an npm monorepo (packages/api, its lockfile at the root): the Dockerfile copies
// package-lock.json from the build context (the app's directory) for npm ci, and the warning said "run npm install to
// write one", which in a workspace writes the root's lockfile, never one in packages/api, so the image's build still
// failed. The warning now says the app is a workspace, names the root's lockfile and the command that builds the
// image from the root. The workspace is made by the real npm (no dependency, so no registry).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { npmWorkspaceRoot } from '../../dist/edge/npm-workspace.js';
import { hiveDeploy, writeApp } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-workspace-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('hive deploy: warning:'));

test('in a workspace whose lockfile is at the root, the warning names that lockfile and the root command', () => {
  const root = writeApp(join(dir, 'mono'), { name: 'mono', private: true, workspaces: ['packages/*'] }, false);
  const app = writeApp(join(root, 'packages', 'api'), { version: '1.0.0' }, false);
  // npm install in the workspace, as the old warning advised: the lockfile lands in the root only. (hive is added to
  // its dependencies after: installed, it would need a registry.)
  const install = spawnSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(install.status, 0, install.stderr);
  assert.equal(existsSync(join(app, 'package-lock.json')), false);
  assert.equal(existsSync(join(root, 'package-lock.json')), true);
  writeApp(app, { version: '1.0.0', dependencies: { hive: '*' } }, false);

  const result = hiveDeploy(app, 'compose', '--out', join(dir, 'out'));
  assert.equal(result.status, 0, result.stderr);
  const said = warnings(result.stderr).join('\n');
  assert.ok(said.includes(`it is a workspace of ${root}, whose lockfile ${join(root, 'package-lock.json')}`), said);
  assert.ok(said.includes(`run hive deploy in ${root} with --script packages/api/server.js`), said);
  assert.doesNotMatch(said, /run npm install/);
  // Followed (hive in the root's dependencies too): no lockfile warning.
  writeApp(root, { name: 'mono', private: true, workspaces: ['packages/*'], dependencies: { hive: '*' } }, false);
  const fromRoot = hiveDeploy(root, 'compose', '--script', 'packages/api/server.js', '--out', join(dir, 'root-out'));
  assert.equal(fromRoot.status, 0, fromRoot.stderr);
  assert.doesNotMatch(warnings(fromRoot.stderr).join('\n'), /package-lock/);
});

test('the workspace globs npm takes, and a root that does not list the directory', () => {
  const root = join(dir, 'globs');
  const member = join(root, 'apps', 'web', 'api');
  mkdirSync(member, { recursive: true });
  writeFileSync(join(root, 'package-lock.json'), '{}');
  const lock = join(root, 'package-lock.json');
  for (const workspaces of [['apps/**'], ['./apps/web/api/'], ['apps/*/api'], { packages: ['apps/**/api'] }]) {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces }));
    assert.deepEqual(
      npmWorkspaceRoot(member),
      { root, path: 'apps/web/api', lockfile: lock },
      JSON.stringify(workspaces),
    );
  }
  for (const workspaces of [['apps/*'], ['packages/*'], 'apps/**']) {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces }));
    assert.equal(npmWorkspaceRoot(member), undefined, JSON.stringify(workspaces));
  }
  // Listed, but no lockfile at the root either: nothing to name (the plain warning stands).
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['apps/**'] }));
  rmSync(lock);
  assert.equal(npmWorkspaceRoot(member), undefined);
});
