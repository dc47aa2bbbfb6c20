// The Kubernetes recipe's hive run keeps idle keep-alive connections 65 s, above ingress-nginx's 60 s
// upstream-keepalive-timeout: with node's 5 s the app closed idle connections the ingress still meant to use, and a
// request sent onto one just as it closed failed (a 502 for a POST, which the ingress does not send again).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseDuration } from '../../dist/cluster/units.js';
import { daemonDeployInput } from '../../dist/edge/daemon-app-deploy.js';
import { renderDeployRecipe } from '../../dist/edge/index.js';
import { hiveDeploy } from './deploy-command.js';
import { describedDeployApp } from './described-deploy-app.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-keep-alive-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function containerArgs(files: ReturnType<typeof renderDeployRecipe>): string[] {
  const yaml = files.find((file) => file.path === 'k8s.yaml')!.content;
  const deployment = parseAllDocuments(yaml)
    .map((doc) => doc.toJSON())
    .find((doc) => doc.kind === 'Deployment');
  return deployment.spec.template.spec.containers[0].args;
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

function dockerCmd(files: ReturnType<typeof renderDeployRecipe>): string[] {
  const dockerfile = files.find((file) => file.path === 'Dockerfile')!.content;
  return JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
}

test("k8s: hive run gets --keep-alive-timeout 65s by default, above ingress-nginx's 60s; compose keeps node's", () => {
  const given = flagValue(containerArgs(renderDeployRecipe('k8s', { app: 'api' })), '--keep-alive-timeout');
  assert.equal(given, '65s');
  assert.ok(parseDuration(given, 'keepAliveTimeout') > 60_000);
  // compose's own nginx keeps an idle upstream connection 500ms at most, far below node's 5 s.
  assert.equal(flagValue(dockerCmd(renderDeployRecipe('compose', { app: 'api' })), '--keep-alive-timeout'), undefined);
});

test('--keep-alive-timeout is taken in both recipes, as hive run reads it', () => {
  for (const [value, written] of [
    ['2m', '120s'],
    ['90', '90s'],
    ['1500ms', '1500ms'],
  ] as const) {
    const k8s = renderDeployRecipe('k8s', { app: 'api', keepAliveTimeout: value });
    assert.equal(flagValue(containerArgs(k8s), '--keep-alive-timeout'), written);
    const compose = renderDeployRecipe('compose', { app: 'api', keepAliveTimeout: value });
    assert.equal(flagValue(dockerCmd(compose), '--keep-alive-timeout'), written);
  }
  const out = join(dir, 'flag');
  const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--keep-alive-timeout', '75s', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(readFileSync(join(out, 'k8s.yaml'), 'utf8'), /- "--keep-alive-timeout"\n\s+- 75s\n/);
});

test('a --keep-alive-timeout of 0 or no duration is refused by its flag', () => {
  for (const value of ['0', 'soon', '11m']) {
    const out = join(dir, `bad-${value}`);
    const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--keep-alive-timeout', value, '--out', out);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /ERR_HIVE_DEPLOY_INVALID_OPTION: --keep-alive-timeout \(keepAliveTimeout\): expected a duration as hive run takes it.*more than 0/,
    );
  }
});

test("--app: the daemon app's keep-alive timeout is the recipe's; without one, the recipe's default", () => {
  const app = describedDeployApp({ keepAliveTimeout: 90_000 });
  const taken = daemonDeployInput(app, { app: 'api' }, '/srv/api', 'k8s');
  assert.equal(taken.input.keepAliveTimeout, 90);
  assert.ok(taken.taken.includes('keepAliveTimeout'));
  const plain = daemonDeployInput(describedDeployApp(), { app: 'api' }, '/srv/api', 'k8s');
  assert.equal(plain.input.keepAliveTimeout, undefined);
  const flagged = daemonDeployInput(app, { app: 'api', keepAliveTimeout: '70s' }, '/srv/api', 'k8s');
  assert.equal(flagged.input.keepAliveTimeout, '70s');
});
