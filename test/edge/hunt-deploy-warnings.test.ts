// Recipes that generate fine and then fail at build or start went by without a word: `hive` only in devDependencies
// (the image's `npm prune --omit=dev` drops it, and the ENTRYPOINT cannot find node_modules/hive), no package-lock.json
// (the Dockerfile copies it and runs `npm ci`, which needs it), and `--instances` above what the CPU limit gives
// (`-i max` would start fewer: the extra processes share the quota and are throttled). Each is now a warning; the
// files are still written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hiveDeploy, writeApp } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-warnings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const makeApp = (name: string, pkg: Record<string, unknown>, lockfile = true): string =>
  writeApp(join(dir, name), pkg, lockfile);

const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('hive deploy: warning:'));

test('an app as the recipe expects it: no warning', () => {
  const app = makeApp('clean', { dependencies: { hive: '^0.1.0' } });
  const result = hiveDeploy(app, 'k8s', '--instances', '2');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(warnings(result.stderr), []);
});

test('hive only in devDependencies: a warning naming npm prune --omit=dev; the files are written', () => {
  const app = makeApp('dev-only', { devDependencies: { hive: '^0.1.0' } });
  const result = hiveDeploy(app, 'compose');
  assert.equal(result.status, 0, result.stderr);
  const [warning, ...rest] = warnings(result.stderr);
  assert.match(warning ?? '', /hive is in devDependencies.*npm prune --omit=dev/);
  assert.deepEqual(rest, []);
  assert.ok(existsSync(join(app, 'compose.yaml')));
});

test('hive in no dependencies at all: a warning', () => {
  const app = makeApp('no-hive', { dependencies: { express: '^5.0.0' } });
  assert.match(warnings(hiveDeploy(app, 'k8s').stderr).join('\n'), /hive is not in package\.json's dependencies/);
});

test('no package-lock.json: a warning saying npm ci needs it (and naming another lockfile found)', () => {
  const app = makeApp('no-lock', { dependencies: { hive: '*' } }, false);
  writeFileSync(join(app, 'yarn.lock'), '');
  const result = hiveDeploy(app, 'k8s');
  assert.equal(result.status, 0, result.stderr);
  assert.match(warnings(result.stderr).join('\n'), /no package-lock\.json.*npm ci.*yarn\.lock/);
});

test('--instances above what the CPU limit gives: a warning; under it, or compose with no limit, none', () => {
  const app = makeApp('instances', { dependencies: { hive: '*' } });
  const over = hiveDeploy(app, 'k8s', '--instances', '4', '--cpu-limit', '1500m', '--force');
  assert.equal(over.status, 0, over.stderr);
  assert.match(warnings(over.stderr).join('\n'), /--instances 4 .*--cpu-limit 1500m.*-i max would start 2/);
  // The default k8s limit is 2 CPUs.
  assert.match(warnings(hiveDeploy(app, 'k8s', '--instances', '3', '--force').stderr).join('\n'), /--instances 3/);
  assert.deepEqual(warnings(hiveDeploy(app, 'k8s', '--instances', '2', '--cpu-limit', '1500m', '--force').stderr), []);
  // Compose sets no CPU limit unless given: the replica has every core of the machine.
  assert.deepEqual(warnings(hiveDeploy(app, 'compose', '--instances', '64', '--force').stderr), []);
  assert.match(
    warnings(hiveDeploy(app, 'compose', '--instances', '3', '--cpu-limit', '2', '--force').stderr).join('\n'),
    /--instances 3/,
  );
});

test("another recipe's options (compose --namespace, k8s --replicas) are said to be left out, not dropped silently", () => {
  const app = makeApp('other-recipe', { dependencies: { hive: '^0.1.0' } });
  const compose = hiveDeploy(app, 'compose', '--namespace', 'prod', '--min', '3', '--out', 'compose');
  assert.equal(compose.status, 0, compose.stderr);
  assert.deepEqual(
    warnings(compose.stderr).map((line) => /warning: (\S+)/.exec(line)?.[1]),
    ['--namespace', '--min/--max'],
  );
  assert.match(compose.stderr, /--namespace \(namespace\) is for hive deploy k8s: the compose recipe leaves it out/);
  const k8s = hiveDeploy(app, 'k8s', '--replicas', '3', '--publish', '80', '--out', 'k8s');
  assert.equal(k8s.status, 0, k8s.stderr);
  assert.deepEqual(
    warnings(k8s.stderr).map((line) => /warning: (\S+)/.exec(line)?.[1]),
    ['--replicas', '--publish'],
  );
});
