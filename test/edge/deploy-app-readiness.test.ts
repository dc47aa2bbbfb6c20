// `hive deploy --app` and an app's readiness as the daemon runs it. A fork-mode node app of no known port (a background
// worker) is refused: the recipe's `hive run` would wait for it to listen and restart it for ever; --port lets it
// through. The app's listen timeout and wait-ready (`hive start --listen-timeout --wait-ready`, PM2's listen_timeout and
// wait_ready) reach the container's `hive run`, and the probes' start delay covers the listen timeout; `hive deploy
// --listen-timeout --wait-ready` say the same. Real daemon, real apps; the args read back by hive run's own parser.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { parseRunArgs } from '../../dist/cli/run-args.js';
import { appFixture, tempHome } from '../daemon/helpers.js';
import { hiveDeploy, writeApp } from './deploy-command.js';
import { freePort } from './nginx-harness.js';

const hive = tempHome();
const appDir = writeApp(join(hive.dir, 'app'), { name: 'api', dependencies: { hive: '*' } });
copyFileSync(appFixture, join(appDir, 'server.js'));
// PM2's wait_ready app: listens, then says process.send('ready').
copyFileSync(new URL('../fixtures/cluster/pm2-app.cjs', import.meta.url), join(appDir, 'ready.cjs'));
// A background worker: no server at all.
writeFileSync(join(appDir, 'worker.js'), 'setInterval(() => {}, 1000);\n');
// No PORT inherited from the test's shell: the worker's port must be unknown to the daemon.
const noPort = { PORT: '' };

function deploy(args: string[]) {
  return hive.run(['deploy', ...args], { cwd: appDir, env: noPort });
}

function cmdOf(out: string): string[] {
  return JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(appDir, out, 'Dockerfile'), 'utf8'))![1]!) as string[];
}

test('a fork-mode node app listening on no port is refused, naming hive run and --port; --port lets it through', async () => {
  // -x: fork mode, where a program that serves nothing belongs (cluster mode waits for a server).
  const start = ['start', 'worker.js', '--name', 'jobs', '-x'];
  const [app] = await hive.json<{ mode: string }[]>(start, { cwd: appDir, env: noPort });
  assert.equal(app?.mode, 'fork');
  const refused = await deploy(['compose', '--app', 'jobs', '--out', 'jobs']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /ERR_HIVE_DEPLOY_INVALID_OPTION: --app \(app\): the daemon runs "jobs" in fork mode/);
  assert.match(refused.stderr, /knows no port it listens on/);
  assert.match(refused.stderr, /under `hive run`, .*which waits for each process to listen on its port/);
  assert.match(refused.stderr, /give --port if it does serve one/);
  assert.equal(existsSync(join(appDir, 'jobs')), false, 'nothing written');

  const given = await deploy(['compose', '--app', 'jobs', '--port', '4000', '--out', 'jobs']);
  assert.equal(given.code, 0, given.stderr);
  const run = parseRunArgs(cmdOf('jobs'), {}).supervisor;
  assert.equal(run.script, 'worker.js');
  assert.equal(run.port, 4000);
  assert.match(given.stderr, /warning: the daemon runs "jobs" in fork mode \(a single node process\)/);
});

test("the app's listen timeout and wait-ready reach the container's hive run; an app without them gets neither", async () => {
  const [slowPort, plainPort] = [await freePort(), await freePort()];
  const slowFlags = ['--listen-timeout', '30s', '--wait-ready'];
  const start = ['start', 'ready.cjs', '--name', 'slow', '-i', '1', '--port', String(slowPort), ...slowFlags];
  await hive.json(start, { cwd: appDir, env: noPort });
  await hive.json(['start', 'server.js', '--name', 'plain', '-i', '1', '--port', String(plainPort)], {
    cwd: appDir,
    env: noPort,
  });

  const compose = await deploy(['compose', '--app', 'slow', '--out', 'slow']);
  assert.equal(compose.code, 0, compose.stderr);
  assert.match(compose.stderr, /as the daemon runs it: .*listenTimeout, waitReady/);
  const cmd = cmdOf('slow');
  assert.equal(cmd[cmd.indexOf('--listen-timeout') + 1], '30s', cmd.join(' '));
  assert.ok(cmd.includes('--wait-ready'), cmd.join(' '));
  const run = parseRunArgs(cmd, {}).supervisor;
  assert.equal(run.listenTimeout, '30s');
  assert.equal(run.waitReady, true);
  // compose's health check does not count failures before a process may have listened.
  const service = parse(readFileSync(join(appDir, 'slow', 'compose.yaml'), 'utf8')).services.app;
  assert.equal(service.healthcheck.start_period, '30s');

  // k8s: the args, and a liveness probe that waits the listen timeout out (the app answering its own probes).
  const k8s = await deploy(['k8s', '--app', 'slow', '--health-port', String(slowPort), '--out', 'slow-k8s']);
  assert.equal(k8s.code, 0, k8s.stderr);
  const yaml = readFileSync(join(appDir, 'slow-k8s', 'k8s.yaml'), 'utf8');
  const deployment = parseAllDocuments(yaml)
    .map((d) => d.toJSON())
    .find((m) => m.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const k8sRun = parseRunArgs(container.args, {}).supervisor;
  assert.equal(k8sRun.listenTimeout, '30s');
  assert.equal(k8sRun.waitReady, true);
  assert.ok(container.livenessProbe.initialDelaySeconds >= 30, JSON.stringify(container.livenessProbe));

  const plain = await deploy(['compose', '--app', 'plain', '--out', 'plain']);
  assert.equal(plain.code, 0, plain.stderr);
  const plainCmd = cmdOf('plain');
  assert.ok(!plainCmd.includes('--listen-timeout'), plainCmd.join(' '));
  assert.ok(!plainCmd.includes('--wait-ready'), plainCmd.join(' '));
  assert.doesNotMatch(plain.stderr, /listenTimeout|waitReady/);
  const plainService = parse(readFileSync(join(appDir, 'plain', 'compose.yaml'), 'utf8')).services.app;
  assert.equal(plainService.healthcheck.start_period, '10s');
});

test('hive deploy --listen-timeout and --wait-ready reach hive run; a bad --listen-timeout is a typed error naming it', () => {
  const help = hiveDeploy(appDir, '--help').stdout;
  assert.match(help, /^ {6}--listen-timeout <time> {2}how long a new process may take to become ready/m);
  assert.match(help, /^ {6}--wait-ready {13}a process is ready when it calls ready\(\)/m);
  const out = join(appDir, 'flags');
  const result = hiveDeploy(appDir, 'k8s', '--app', 'api', '--listen-timeout', '1.5m', '--wait-ready', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(out, 'Dockerfile'), 'utf8'))![1]!) as string[];
  const run = parseRunArgs(cmd, {}).supervisor;
  assert.equal(run.listenTimeout, '90s');
  assert.equal(run.waitReady, true);
  assert.match(readFileSync(join(out, 'k8s.yaml'), 'utf8'), /initialDelaySeconds: 90$/m);
  for (const value of ['0', '5x', '11m']) {
    const bad = hiveDeploy(appDir, 'k8s', '--app', 'api', '--listen-timeout', value, '--out', join(appDir, 'bad'));
    assert.equal(bad.status, 2, `${value}: ${bad.stderr}`);
    assert.match(
      bad.stderr,
      /ERR_HIVE_DEPLOY_INVALID_OPTION: --listen-timeout \(listenTimeout\): expected a duration as hive run takes it/,
    );
    assert.equal(existsSync(join(appDir, 'bad')), false);
  }
});

test("an app's --no-treekill reaches the container's hive run, as hive deploy --no-treekill does; treekill stays on otherwise", async () => {
  const port = await freePort();
  const start = ['start', 'server.js', '--name', 'keepkids', '-i', '1', '--port', String(port), '--no-treekill'];
  await hive.json(start, { cwd: appDir, env: noPort });
  const fromApp = await deploy(['compose', '--app', 'keepkids', '--out', 'keepkids']);
  assert.equal(fromApp.code, 0, fromApp.stderr);
  assert.match(fromApp.stderr, /as the daemon runs it: .*treekill/);
  assert.equal(parseRunArgs(cmdOf('keepkids'), {}).supervisor.treekill, false, cmdOf('keepkids').join(' '));

  const flag = hiveDeploy(appDir, 'k8s', '--app', 'api', '--no-treekill', '--out', join(appDir, 'no-treekill'));
  assert.equal(flag.status, 0, flag.stderr);
  const deployment = parseAllDocuments(readFileSync(join(appDir, 'no-treekill', 'k8s.yaml'), 'utf8'))
    .map((d) => d.toJSON())
    .find((m) => m.kind === 'Deployment');
  assert.equal(parseRunArgs(deployment.spec.template.spec.containers[0].args, {}).supervisor.treekill, false);

  const plain = hiveDeploy(appDir, 'compose', '--app', 'api', '--out', join(appDir, 'treekill'));
  assert.equal(plain.status, 0, plain.stderr);
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(appDir, 'treekill', 'Dockerfile'), 'utf8'))![1]!);
  assert.ok(!cmd.includes('--no-treekill'), cmd.join(' '));
  assert.notEqual(parseRunArgs(cmd, {}).supervisor.treekill, false);
});
