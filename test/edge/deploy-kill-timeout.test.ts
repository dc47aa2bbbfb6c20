// `hive deploy --kill-timeout` takes the durations `hive run --kill-timeout` takes (5s, 500ms, 1.5m, 1h; a bare number
// stays seconds, as it always was here), and the recipe passes hive run a value it reads the same way.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseDuration } from '../../dist/cluster/units.js';
import { deployWarnings, renderDeployRecipe, resolveDeployOptions } from '../../dist/edge/index.js';
import { hiveDeploy } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('hive deploy --kill-timeout 5s is taken, as hive run takes it', () => {
  const out = join(dir, 'five');
  const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--kill-timeout', '5s', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(readFileSync(join(out, 'Dockerfile'), 'utf8'), /"--kill-timeout", "5s"/);
});

test('durations in seconds: 1.5m, 1500ms (rounded up for the grace periods), and bare numbers as before', () => {
  assert.equal(resolveDeployOptions({ app: 'api', killTimeout: '1.5m' }).killTimeout, 90);
  assert.equal(resolveDeployOptions({ app: 'api', killTimeout: '30' }).killTimeout, 30);
  assert.equal(resolveDeployOptions({ app: 'api', killTimeout: '2.5' }).killTimeout, 2.5);
  assert.equal(resolveDeployOptions({ app: 'api', killTimeout: 30 }).killTimeout, 30);
  const files = renderDeployRecipe('k8s', { app: 'api', killTimeout: '1500ms' });
  const dockerfile = files.find((file) => file.path === 'Dockerfile')!.content;
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
  const given = cmd[cmd.indexOf('--kill-timeout') + 1];
  assert.equal(given, '1500ms');
  // What hive run's own parser makes of it.
  assert.equal(parseDuration(given, 'killTimeout'), 1500);
  const manifests = files.find((file) => file.path === 'k8s.yaml')!.content;
  // preStop (5 s) + twice 1.5 s (hive run's longest stop, see below) + 10.
  assert.match(manifests, /terminationGracePeriodSeconds: 18$/m);
  const compose = renderDeployRecipe('compose', { app: 'api', killTimeout: '1500ms' });
  assert.match(compose.find((file) => file.path === 'compose.yaml')!.content, /stop_grace_period: 8s$/m);
});

// hive run's stop takes up to twice --kill-timeout (docs/cluster.md, treekill: the process drains for one, the children
// it leaves get SIGTERM, then SIGKILL after another); the recipe's hive run has treekill on. The orchestrator's SIGKILL
// must not come before, plus the recipes' margins (and k8s' preStop sleep, which the grace period counts too).
test("the grace periods cover hive run's longest stop, twice the kill timeout, and the margins", () => {
  for (const killTimeout of [1, '1500ms', 5, 11, 30, '10m']) {
    const seconds = resolveDeployOptions({ app: 'api', killTimeout }).killTimeout;
    const k8s = renderDeployRecipe('k8s', { app: 'api', killTimeout });
    const dockerfile = k8s.find((file) => file.path === 'Dockerfile')!.content;
    assert.doesNotMatch(dockerfile, /--no-treekill/);
    const k8sYaml = k8s.find((file) => file.path === 'k8s.yaml')!.content;
    const grace = Number(/terminationGracePeriodSeconds: (\d+)$/m.exec(k8sYaml)![1]);
    const preStop = Number(/- sleep\n\s+- "?(\d+)"?$/m.exec(k8sYaml)![1]);
    assert.equal(grace, preStop + Math.ceil(2 * seconds) + 10, `k8s, ${killTimeout}`);
    const compose = renderDeployRecipe('compose', { app: 'api', killTimeout });
    const composeYaml = compose.find((file) => file.path === 'compose.yaml')!.content;
    assert.equal(
      Number(/stop_grace_period: (\d+)s$/m.exec(composeYaml)![1]),
      Math.ceil(2 * seconds) + 5,
      `compose, ${killTimeout}`,
    );
  }
});

test('a bad or out-of-range --kill-timeout is a typed error naming the flag', () => {
  for (const value of ['5x', '0s', '11m', '1.5x', 'soon']) {
    const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--kill-timeout', value, '--out', join(dir, 'bad'));
    assert.equal(result.status, 2, `${value}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /ERR_HIVE_DEPLOY_INVALID_OPTION: --kill-timeout \(killTimeout\): expected a duration as hive run takes it/,
    );
    assert.ok(result.stderr.includes(JSON.stringify(value)), result.stderr);
  }
});

// The drain idle grace (`hive deploy --app` takes the daemon app's) reads as the kill timeout does, 0 allowed (hive run
// closes an idle connection at once in a drain); a bad one is the same typed error, naming drainIdleGrace.
test('drainIdleGrace reaches hive run in the recipe, and a bad one is a typed error naming it', () => {
  assert.equal(resolveDeployOptions({ app: 'api' }).drainIdleGrace, undefined);
  assert.equal(resolveDeployOptions({ app: 'api', drainIdleGrace: 0 }).drainIdleGrace, 0);
  const files = renderDeployRecipe('compose', { app: 'api', drainIdleGrace: '2500ms' });
  const dockerfile = files.find((file) => file.path === 'Dockerfile')!.content;
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
  assert.equal(parseDuration(cmd[cmd.indexOf('--drain-idle-grace') + 1], 'drainIdleGrace'), 2500);
  const plain = renderDeployRecipe('compose', { app: 'api' }).find((file) => file.path === 'Dockerfile')!.content;
  assert.match(plain, /"--kill-timeout"/);
  assert.doesNotMatch(plain, /--drain-idle-grace/);
  for (const value of ['5x', '-1s', '11m', -1]) {
    assert.throws(
      () => resolveDeployOptions({ app: 'api', drainIdleGrace: value }),
      (error: Error & { code: string; key: string }) =>
        error.code === 'ERR_HIVE_DEPLOY_INVALID_OPTION' &&
        error.key === 'drainIdleGrace' &&
        /drainIdleGrace: expected a duration as hive run takes it/.test(error.message),
    );
  }
});

// hive run in the container warns at start when a kill timeout leaves an idle kept-alive connection's drain no time
// (twice the grace plus 1s); the recipe says it when written, for the grace it carries or hive run's default (1s).
test('a kill timeout the drain idle grace uses up is said when the recipe is written', () => {
  const said = (input: object) => deployWarnings('k8s', { app: 'api', ...input }).join('\n');
  assert.doesNotMatch(said({}), /--kill-timeout/);
  assert.match(
    said({ killTimeout: '3s' }),
    /--kill-timeout \(killTimeout\) 3s is not above twice --drain-idle-grace \(drainIdleGrace\) 1s plus 1s/,
  );
  assert.match(
    said({ drainIdleGrace: '2500ms' }),
    /5s is not above twice --drain-idle-grace \(drainIdleGrace\) 2500ms/,
  );
  assert.doesNotMatch(said({ drainIdleGrace: '2s', killTimeout: 10 }), /--kill-timeout/);
});

// `hive deploy --drain-idle-grace` sets what `hive deploy --app` takes from the daemon's app (the daemon's value it
// wins over: deploy-daemon-app.test.ts), read by the one parser of the kill timeout, 0 allowed.
test('hive deploy --drain-idle-grace reaches hive run in the recipe; a bad one is a typed error naming the flag', () => {
  const help = hiveDeploy(dir, '--help').stdout;
  assert.match(help, /^ {6}--drain-idle-grace <time>\n {31}how long a draining process leaves a kept-alive/m);
  for (const [value, given] of [
    ['250ms', 250],
    ['0', 0],
    ['1.5', 1500],
    ['2s', 2000],
  ] as const) {
    const out = join(dir, `grace-${value}`);
    const result = hiveDeploy(dir, 'compose', '--app', 'api', '--drain-idle-grace', value, '--out', out);
    assert.equal(result.status, 0, `${value}: ${result.stderr}`);
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(out, 'Dockerfile'), 'utf8'))![1]!) as string[];
    assert.equal(parseDuration(cmd[cmd.indexOf('--drain-idle-grace') + 1], 'drainIdleGrace'), given, value);
  }
  for (const value of ['5x', '-1s', '11m', 'soon']) {
    const result = hiveDeploy(dir, 'k8s', '--app', 'api', `--drain-idle-grace=${value}`, '--out', join(dir, 'bad'));
    assert.equal(result.status, 2, `${value}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /ERR_HIVE_DEPLOY_INVALID_OPTION: --drain-idle-grace \(drainIdleGrace\): expected a duration as hive run takes it/,
    );
    assert.ok(result.stderr.includes(JSON.stringify(value)), result.stderr);
    assert.equal(existsSync(join(dir, 'bad')), false);
  }
});
