// `hive deploy <compose|k8s> --app <name>` takes the app as the running daemon (HIVE_HOME) runs it: its script and
// arguments, instances, port, node args, max memory restart, kill timeout, drain idle grace and, with --with-env, its
// own env (never the shell's it was started from) in a file of its own, each flag over the daemon's value; without a
// daemon, or without such an app, the recipe is made of package.json and the flags as before. Real daemon, real app;
// the manifests checked against the API schemas and the container's `hive run` arguments read back by hive run's own
// parser.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { parse, parseAllDocuments } from 'yaml';
import { parseRunArgs } from '../../dist/cli/run-args.js';
import { daemonDeployInput } from '../../dist/edge/daemon-app-deploy.js';
import {
  type DeployInput,
  type DeployOptionError,
  deployWarnings,
  kubernetesManifests,
  resolveDeployOptions,
} from '../../dist/edge/index.js';
import { appFixture, HiveHome, tempHome } from '../daemon/helpers.js';
import { writeApp } from './deploy-command.js';
import { describedDeployApp } from './described-deploy-app.js';
import { freePort } from './nginx-harness.js';

const hive = tempHome();
// The app's directory, the build context: package.json names another entry point, which the daemon's app wins over.
const appDir = writeApp(join(hive.dir, 'app'), { name: 'api', main: 'main.js', dependencies: { hive: '*' } });
copyFileSync(appFixture, join(appDir, 'server.js'));
// In the shell that starts the app (which the app's processes get): never for a recipe.
const shellSecret = { DEPLOY_TEST_SHELL_SECRET: 'do-not-copy' };

function deploy(args: string[], home: HiveHome = hive) {
  return home.run(['deploy', ...args], { cwd: appDir, env: shellSecret });
}

// The container's `hive run` arguments, as hive run itself reads them.
function runArgs(args: string[]) {
  return parseRunArgs(args, {}).supervisor;
}

test('the recipe takes the daemon app as it runs it, and a flag wins over the daemon value', async () => {
  const port = await freePort();
  await hive.json(
    [
      'start',
      'server.js',
      '--name',
      'api',
      '-i',
      '2',
      '--port',
      String(port),
      '--env',
      'GREETING=hello there',
      '--kill-timeout',
      '7s',
      '--drain-idle-grace',
      '2500ms',
      '--max-memory-restart',
      '300M',
      '--node-args=--max-old-space-size=256 --title="my api"',
      '--',
      '--mode',
      'fast',
    ],
    { cwd: appDir, env: shellSecret },
  );
  // The daemon's app does have the shell's variable: what it runs in, not what it was given.
  const env = await hive.json<Record<string, string>>(['env', 'api']);
  assert.equal(env.DEPLOY_TEST_SHELL_SECRET, 'do-not-copy');

  const compose = await deploy(['compose', '--app', 'api', '--out', 'compose', '--with-env']);
  assert.equal(compose.code, 0, compose.stderr);
  const file = parse(readFileSync(join(appDir, 'compose', 'compose.yaml'), 'utf8'));
  const service = file.services.app;
  // The app's env in its own file (deploy-app-env.test.ts), the recipe's own inline.
  assert.match(readFileSync(join(appDir, 'compose', 'api.env'), 'utf8'), /^GREETING=hello there$/m);
  assert.deepEqual(service.environment, {
    NODE_ENV: 'production',
    PORT: String(port),
    REDIS_URL: 'redis://redis:6379',
  });
  assert.deepEqual(service.expose, [String(port)]);
  // Twice 7 s (the drain, then the children's SIGTERM to SIGKILL) and a margin.
  assert.equal(service.stop_grace_period, '19s');
  const dockerfile = readFileSync(join(appDir, 'compose', 'Dockerfile'), 'utf8');
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
  const run = runArgs(cmd);
  assert.equal(run.script, 'server.js', "the daemon's script, not package.json's main");
  assert.equal(run.name, 'api', "the recipe's name, not the script's");
  assert.deepEqual(run.args, ['--mode', 'fast']);
  assert.equal(run.instances, '2');
  assert.equal(run.port, port);
  assert.equal(run.killTimeout, '7s');
  assert.equal(run.drainIdleGrace, '2500ms');
  assert.equal(run.maxMemoryRestart, String(300 * 2 ** 20));
  assert.deepEqual(run.nodeArgs, ['--max-old-space-size=256', '--title=my api']);
  for (const name of ['compose.yaml', 'api.env']) {
    assert.doesNotMatch(readFileSync(join(appDir, 'compose', name), 'utf8'), /DEPLOY_TEST_SHELL_SECRET/);
  }
  // Said, the env by its names only.
  assert.match(
    compose.stderr,
    /app "api" as the daemon runs it: script, args, instances, port, .*killTimeout, drainIdleGrace, env into api\.env \(GREETING\)/,
  );

  // Flags win: --instances, --port and --drain-idle-grace over the daemon's, the rest still the daemon's.
  const k8sFlags = ['--instances', '1', '--port', '4000', '--drain-idle-grace', '2s'];
  const k8s = await deploy(['k8s', '--app', 'api', '--out', 'k8s', ...k8sFlags]);
  assert.equal(k8s.code, 0, k8s.stderr);
  const manifests = parseAllDocuments(readFileSync(join(appDir, 'k8s', 'k8s.yaml'), 'utf8')).map((d) => d.toJSON());
  const deployment = manifests.find((m) => m.kind === 'Deployment');
  assert.doesNotThrow(() => new Deployment(deployment).validate());
  const container = deployment.spec.template.spec.containers[0];
  const k8sRun = runArgs(container.args);
  assert.equal(k8sRun.name, 'api');
  assert.equal(k8sRun.instances, '1');
  assert.equal(k8sRun.port, 4000);
  assert.deepEqual(k8sRun.args, ['--mode', 'fast']);
  assert.equal(k8sRun.killTimeout, '7s');
  assert.equal(k8sRun.drainIdleGrace, '2s');
  assert.deepEqual(container.ports[0], { name: 'http', containerPort: 4000 });
  // No --with-env: the app's env is left out, said by name.
  assert.match(k8s.stderr, /the env of "api" has "GREETING": left out/);
  assert.deepEqual(container.env, [
    { name: 'NODE_ENV', value: 'production' },
    { name: 'REDIS_URL', value: 'redis://redis:6379' },
  ]);
  assert.doesNotMatch(readFileSync(join(appDir, 'k8s', 'k8s.yaml'), 'utf8'), /DEPLOY_TEST_SHELL_SECRET/);

  // Another name: the daemon runs no such app, so package.json and the flags make the recipe, as before.
  const other = await deploy(['compose', '--app', 'web', '--out', 'other']);
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stderr, /the daemon runs no app "web"; the recipe is made of package\.json and the flags/);
  const otherCmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(appDir, 'other', 'Dockerfile'), 'utf8'))![1]!);
  assert.deepEqual(otherCmd, [
    'main.js',
    '--name',
    'web',
    '--instances',
    'max',
    '--port',
    '3000',
    '--kill-timeout',
    '5s',
    ...metrics,
  ]);
});

const metrics = ['--metrics-port', '9464', '--metrics-host', '::'];

test('without a daemon, --app names the app and package.json gives the rest, as before', async () => {
  const none = new HiveHome();
  try {
    const result = await deploy(['compose', '--app', 'api', '--out', 'none'], none);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /daemon/);
    const compose = parse(readFileSync(join(appDir, 'none', 'compose.yaml'), 'utf8'));
    assert.deepEqual(compose.services.app.environment, {
      NODE_ENV: 'production',
      PORT: '3000',
      REDIS_URL: 'redis://redis:6379',
    });
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(readFileSync(join(appDir, 'none', 'Dockerfile'), 'utf8'))![1]!);
    assert.deepEqual(cmd, [
      'main.js',
      '--name',
      'api',
      '--instances',
      'max',
      '--port',
      '3000',
      '--kill-timeout',
      '5s',
      ...metrics,
    ]);
    assert.equal(await none.daemonPid(), undefined, 'hive deploy starts no daemon');
  } finally {
    await none.cleanup();
  }
});

// An app as cli/daemon-app.ts hands it over, for daemonDeployInput alone.
const described = describedDeployApp({
  script: '/srv/api/dist/server.js',
  env: { PORT: '3000', GREETING: 'hi', 'my.var': 'x', HIVE_POOL_THREADS: '2' },
});

test('what the recipe cannot hold as the daemon runs the app is refused or said, never written half-way', () => {
  const taken = daemonDeployInput(described, { app: 'api' }, '/srv/api', 'k8s', true);
  assert.equal(taken.input.script, 'dist/server.js');
  // PORT is the port; a name the recipes cannot hold is left out, and said; Hive's pool size stays inline.
  assert.deepEqual(taken.input.secretEnv, { GREETING: 'hi' });
  assert.deepEqual(taken.input.env, { HIVE_POOL_THREADS: '2' });
  assert.match(taken.warnings.join('\n'), /"my\.var", not a variable name the recipes take/);
  assert.doesNotThrow(() => resolveDeployOptions(taken.input));

  // -1 is no recipe's input: -i max, said.
  const minusOne = daemonDeployInput({ ...described, instances: '-1' }, { app: 'api' }, '/srv/api', 'k8s');
  assert.equal(minusOne.input.instances, undefined);
  assert.match(minusOne.warnings.join('\n'), /--instances -1, which the recipe does not take/);

  // A script outside the build context is refused unless --script names one; the flag is not "taken".
  assert.throws(
    () => daemonDeployInput(described, { app: 'api' }, '/srv/api/dist/sub', 'k8s'),
    (error: DeployOptionError) => error.code === 'ERR_HIVE_DEPLOY_INVALID_OPTION' && /outside/.test(error.message),
  );
  const flagged = daemonDeployInput(described, { app: 'api', script: 'x.js' }, '/srv/api/dist/sub', 'k8s');
  assert.equal(flagged.input.script, 'x.js');
  assert.ok(!flagged.taken.includes('script'));
  assert.match(flagged.warnings.join('\n'), /runs "api" in \/srv\/api; in the container it runs in \/app/);

  // The drain idle grace: hive run's default (1s) goes without saying, as does none (fork mode, an older daemon).
  for (const drainIdleGrace of [1000, null]) {
    const grace = daemonDeployInput({ ...described, drainIdleGrace }, { app: 'api' }, '/srv/api', 'k8s');
    assert.equal(grace.input.drainIdleGrace, undefined, String(drainIdleGrace));
    assert.ok(!grace.taken.includes('drainIdleGrace'));
  }
  const zero = daemonDeployInput({ ...described, drainIdleGrace: 0 }, { app: 'api' }, '/srv/api', 'k8s');
  assert.equal(resolveDeployOptions(zero.input).drainIdleGrace, 0);

  // A fork-mode program hive run cannot run: refused; a node one is taken.
  assert.throws(
    () => daemonDeployInput({ ...described, command: '/usr/bin/python3' }, { app: 'api' }, '/srv/api', 'k8s'),
    /fork-mode program \(\/usr\/bin\/python3\)/,
  );
  assert.equal(
    daemonDeployInput({ ...described, command: process.execPath }, { app: 'api' }, '/srv/api', 'k8s').input.script,
    'dist/server.js',
  );

  // A server that speaks HTTP/2 only, as the runtime reported it: the recipe's proxy speaks HTTP/1.x to it, said; no
  // kind (an older daemon) says nothing.
  const h2c = daemonDeployInput(
    { ...described, listenKinds: [{ port: 3000, kind: 'h2c' }] },
    { app: 'api' },
    '/srv/api',
    'compose',
  );
  assert.match(h2c.warnings.join('\n'), /"api" with its server on port 3000 speaking HTTP\/2 only \(h2c/);
  assert.doesNotMatch(taken.warnings.join('\n'), /HTTP\/2/);
});

// The recipe's proxy spoke plain HTTP to an app serving HTTPS: every request a 502, nothing said. The kind the runtime
// reports gives --upstream-tls, taken; not for a sticky app (the recipe refuses the pair): said; the flag over plain
// HTTP is said; no kind (an older daemon), nothing.
test('a daemon app serving HTTPS gets --upstream-tls, taken; sticky or plain HTTP under the flag, said', () => {
  const described = describedDeployApp();
  const of = (app: Partial<typeof described>, flags: Partial<DeployInput> = {}) =>
    daemonDeployInput({ ...described, ...app }, { app: 'api', ...flags }, '/srv/api', 'compose');
  for (const kind of ['https', 'h2-http1']) {
    const https = of({ listenKinds: [{ port: 3000, kind }] });
    assert.equal(https.input.upstreamTls, true, kind);
    assert.ok(https.taken.includes('upstreamTls'));
    assert.equal(resolveDeployOptions(https.input).upstreamTls, true);
  }
  for (const listenKinds of [[{ port: 3000, kind: 'http' }], [{ port: 4000, kind: 'https' }], [], undefined]) {
    const none = of({ listenKinds });
    assert.equal(none.input.upstreamTls, undefined, JSON.stringify(listenKinds));
    assert.doesNotMatch(none.warnings.join('\n'), /TLS|HTTPS/);
  }
  const sticky = of({ sticky: 'ip', listenKinds: [{ port: 41234, kind: 'https' }] });
  assert.equal(sticky.input.upstreamTls, undefined);
  assert.match(sticky.warnings.join('\n'), /port 41234 serving HTTPS, and sticky \(ip\): the recipe cannot take/);
  resolveDeployOptions(sticky.input);
  const plain = of({ listenKinds: [{ port: 3000, kind: 'http' }] }, { upstreamTls: true });
  assert.ok(!plain.taken.includes('upstreamTls'));
  assert.match(plain.warnings.join('\n'), /port 3000 serving plain HTTP .*--upstream-tls has the recipe's nginx/);
});

test('a sticky daemon app: the k8s recipe keeps one process per pod and says so; compose takes the count', () => {
  const sticky = describedDeployApp({ instances: '2', sticky: 'cookie:sid' });
  const k8s = daemonDeployInput(sticky, { app: 'api' }, '/srv/api', 'k8s');
  assert.equal(k8s.input.instances, undefined);
  assert.equal(k8s.input.sticky, 'cookie:sid');
  assert.match(k8s.warnings.join('\n'), /--instances 2 and --sticky cookie:sid; the k8s recipe runs a sticky app one/);
  const objects = kubernetesManifests(resolveDeployOptions(k8s.input, 'k8s')) as {
    kind: string;
    spec?: { template?: { spec: { containers: { args: string[] }[] } } };
  }[];
  const deployment = objects.find((object) => object.kind === 'Deployment');
  const args = deployment?.spec?.template?.spec.containers[0]?.args ?? [];
  assert.equal(args[args.indexOf('--instances') + 1], '1', args.join(' '));
  // One process already: nothing to say.
  const one = daemonDeployInput({ ...sticky, instances: '1' }, { app: 'api' }, '/srv/api', 'k8s');
  assert.deepEqual(one.warnings, []);
  // Compose's nginx keeps no upstream connection for a sticky app: the daemon's count serves.
  assert.equal(daemonDeployInput(sticky, { app: 'api' }, '/srv/api', 'compose').input.instances, 2);
  // Asked for with the flag, more processes are written, with a warning.
  const flagged = deployWarnings('k8s', { app: 'api', sticky: 'cookie:sid', instances: 2 });
  assert.match(flagged.join('\n'), /--instances 2 \(instances\) with --sticky cookie:sid: ingress-nginx shares/);
  assert.deepEqual(
    deployWarnings('k8s', { app: 'api', sticky: 'cookie:sid', instances: 1 }).filter((w) => /sticky/.test(w)),
    [],
  );
});

// A value the recipe cannot hold, taken from the daemon's app rather than given: said as the app's, with the flag that
// sets the recipe's own (it used to read as if the user had typed the flag).
test("a daemon app's kill timeout over a recipe's 10m is said as the app's, and the flag gives the recipe's", async () => {
  const port = await freePort();
  const started = await hive.run(
    ['start', 'server.js', '--name', 'patient', '-i', '1', '--port', String(port), '--kill-timeout', '15m'],
    { cwd: appDir },
  );
  assert.equal(started.code, 0, started.stderr);
  const refused = await deploy(['k8s', '--app', 'patient', '--out', 'patient']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /ERR_HIVE_DEPLOY_INVALID_OPTION: app "patient" as the daemon runs it: killTimeout: expected .*at most 10m, got 900 \(number\); give --kill-timeout for the recipe's own\n/,
  );
  assert.doesNotMatch(refused.stderr, /see hive deploy --help/);
  const given = await deploy(['k8s', '--app', 'patient', '--out', 'patient', '--kill-timeout', '30s']);
  assert.equal(given.code, 0, given.stderr);
  await hive.run(['delete', 'patient']);
});
