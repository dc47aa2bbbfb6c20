// `hive deploy <compose|k8s> --app <name>` and the app's env: its values (`--env`, a config's `env`) are written only
// with --with-env, into a file of mode 0600 (compose: `<app>.env` of KEY=value lines, its env_file read raw; k8s:
// `<app>-env.secret.yaml`, the Secret the pods read, a manifest under a YAML name), never inline in compose.yaml or
// k8s.yaml; the ignore file keeps the recipe's files out of the image; what stays inline is escaped against compose's
// interpolation and the kubelet's $(VAR) expansion; Hive's own variables, increment_var PORT and an inspector in the
// node args are left out and said. Real daemon, real app, the real `hive` CLI.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Secret } from 'kubernetes-models/v1/Secret';
import { parse, parseAllDocuments } from 'yaml';
import { kubernetesManifests, renderDeployRecipe, resolveDeployOptions } from '../../dist/edge/index.js';
import { tempHome } from '../daemon/helpers.js';
import { hiveDeploy, writeApp } from './deploy-command.js';
import { deployAppDir } from './deploy-daemon-fixture.js';
import { freePort } from './nginx-harness.js';

const hive = tempHome();
const { appDir, start } = deployAppDir(hive);
// A secret with what compose would interpolate and the kubelet would expand, were it written inline.
// biome-ignore lint/suspicious/noTemplateCurlyInString: compose's ${VAR}, which must reach the app as it is
const token = 's3cr$t $(HOME) ${USER} "q"';
const greeting = 'hello there';

function deploy(...args: string[]) {
  return hive.run(['deploy', ...args], { cwd: appDir });
}

const read = (...path: string[]) => readFileSync(join(appDir, ...path), 'utf8');

before(async () => {
  await start({
    name: 'api',
    script: 'server.js',
    instances: 1,
    port: await freePort(),
    incrementVar: 'PORT',
    instanceVar: 'INSTANCE_ID',
    threads: 2,
    // The worker's inspector on loopback only; the recipe must not take it.
    nodeArgs: '--inspect=127.0.0.1:0 --max-old-space-size=256',
    // An argument compose and the kubelet would expand, were it not escaped.
    args: ['--title', '$(HOME)'],
    env: { TOKEN: token, GREETING: greeting },
  });
});

test('without --with-env the app env values are left out, by name, and the recipe says how to take them', async () => {
  for (const target of ['compose', 'k8s'] as const) {
    const result = await deploy(target, '--app', 'api', '--out', `plain-${target}`);
    assert.equal(result.code, 0, result.stderr);
    const recipe = read(`plain-${target}`, target === 'compose' ? 'compose.yaml' : 'k8s.yaml');
    assert.doesNotMatch(recipe, /s3cr|TOKEN|GREETING|hello there/);
    for (const file of ['api.env', 'api-env.secret.yaml']) {
      assert.equal(existsSync(join(appDir, `plain-${target}`, file)), false, file);
    }
    const envFile = target === 'compose' ? 'api\\.env' : 'api-env\\.secret\\.yaml';
    assert.match(
      result.stderr,
      new RegExp(`warning: the env of "api" has "GREETING", "TOKEN": left out.*pass --with-env .*into ${envFile} `),
    );
    assert.doesNotMatch(result.stderr, /s3cr|hello there/);
    // The recipe's files are not copied into the image either.
    const ignore = read(`plain-${target}`, 'Dockerfile.dockerignore').split('\n');
    assert.ok(ignore.includes(`plain-${target}/${target === 'compose' ? 'compose.yaml' : 'k8s.yaml'}`));
  }
});

test('--with-env: the values go into api.env (mode 0600), compose reads it raw, never inline', async () => {
  const result = await deploy('compose', '--app', 'api', '--with-env', '--out', 'compose');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /env into api\.env \(GREETING, TOKEN\)/);
  assert.doesNotMatch(result.stderr, /s3cr|hello there/);
  const text = read('compose', 'compose.yaml');
  assert.doesNotMatch(text, /s3cr|hello there/);
  const service = parse(text).services.app;
  assert.deepEqual(service.env_file, [{ path: './api.env', required: true, format: 'raw' }]);
  // Each line as `docker run --env-file` (compose's raw format) reads it: the value as it is.
  const lines = read('compose', 'api.env')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
  assert.deepEqual(lines.sort(), [`GREETING=${greeting}`, `TOKEN=${token}`]);
  assert.equal(statSync(join(appDir, 'compose', 'api.env')).mode & 0o777, 0o600);
  // Hive's pool setting stays inline, Hive's own variables nowhere.
  assert.equal(service.environment.HIVE_POOL_THREADS, '2');
  assert.doesNotMatch(text + read('compose', 'api.env'), /HIVE_INCREMENT_VAR|HIVE_INSTANCE_VAR|INSTANCE_ID/);
  // The ignore file keeps the recipe's files (the env file above all) out of `COPY . .`.
  const ignore = read('compose', 'Dockerfile.dockerignore').split('\n');
  for (const file of ['compose.yaml', 'nginx.conf', 'api.env', 'Dockerfile', 'Dockerfile.dockerignore']) {
    assert.ok(ignore.includes(`compose/${file}`), `compose/${file} is ignored`);
  }
});

test('--with-env on k8s: the Secret api-env in api-env.secret.yaml (envFrom), no values in k8s.yaml', async () => {
  const result = await deploy('k8s', '--app', 'api', '--with-env');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /env into api-env\.secret\.yaml \(GREETING, TOKEN\)/);
  // A manifest under a YAML name: a `.env` name would have tools read it as KEY=value lines.
  assert.equal(existsSync(join(appDir, 'api.env')), false);
  const text = read('k8s.yaml');
  assert.doesNotMatch(text, /s3cr|hello there/);
  const deployment = parseAllDocuments(text)
    .map((doc) => doc.toJSON())
    .find((m) => m.kind === 'Deployment');
  assert.doesNotThrow(() => new Deployment(deployment).validate());
  const container = deployment.spec.template.spec.containers[0];
  assert.deepEqual(container.envFrom, [{ secretRef: { name: 'api-env' } }]);
  assert.match(text, /^# .*kubectl apply -f api-env\.secret\.yaml -f k8s\.yaml$/m);
  const secret = parse(read('api-env.secret.yaml'));
  assert.doesNotThrow(() => new Secret(secret).validate());
  assert.equal(secret.metadata.name, 'api-env');
  assert.deepEqual(secret.stringData, { GREETING: greeting, TOKEN: token });
  assert.equal(statSync(join(appDir, 'api-env.secret.yaml')).mode & 0o777, 0o600);
  const ignore = read('.dockerignore').split('\n');
  for (const file of ['k8s.yaml', 'api-env.secret.yaml', 'Dockerfile', '.dockerignore']) {
    assert.ok(ignore.includes(file), file);
  }
  // The Secret an older hive deploy k8s wrote to api.env, should it still lie there, stays out of the image too.
  assert.ok(ignore.includes('**/*.env'));
});

test('the env file by recipe: <app>.env of KEY=value lines for compose, <app>-env.secret.yaml for k8s', () => {
  const layout = { recipe: 'deploy/out', context: '../..' };
  const input = { app: 'api', secretEnv: { GREETING: greeting }, layout };
  const k8s = renderDeployRecipe('k8s', input);
  const byPath = new Map(k8s.map((file) => [file.path, file]));
  assert.deepEqual([...byPath.keys()].sort(), [
    'Dockerfile',
    'Dockerfile.dockerignore',
    'api-env.secret.yaml',
    'k8s.yaml',
  ]);
  assert.equal(byPath.get('api-env.secret.yaml')!.mode, 0o600);
  assert.equal(parse(byPath.get('api-env.secret.yaml')!.content).kind, 'Secret');
  assert.ok(byPath.get('Dockerfile.dockerignore')!.content.split('\n').includes('deploy/out/api-env.secret.yaml'));
  assert.match(
    byPath.get('k8s.yaml')!.content,
    /^# .*kubectl apply -f deploy\/out\/api-env\.secret\.yaml -f deploy\/out\/k8s\.yaml$/m,
  );
  const compose = renderDeployRecipe('compose', input);
  const envFile = compose.find((file) => file.path === 'api.env');
  assert.equal(envFile?.mode, 0o600);
  assert.match(envFile!.content, /^GREETING=hello there$/m);
  assert.equal(
    compose.some((file) => file.path === 'api-env.secret.yaml'),
    false,
  );
});

test('values that stay inline are escaped: $$ for compose, $$( for the kubelet', async () => {
  const compose = await deploy('compose', '--app', 'api', '--out', 'escaped');
  assert.equal(compose.code, 0, compose.stderr);
  // The script's arguments are in the Dockerfile's exec-form CMD, which nothing expands.
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(read('escaped', 'Dockerfile'))![1]!) as string[];
  assert.deepEqual(cmd.slice(-3), ['--', '--title', '$(HOME)']);
  const k8s = await deploy('k8s', '--app', 'api', '--out', 'escaped-k8s');
  assert.equal(k8s.code, 0, k8s.stderr);
  const deployment = parseAllDocuments(read('escaped-k8s', 'k8s.yaml'))
    .map((doc) => doc.toJSON())
    .find((m) => m.kind === 'Deployment');
  assert.deepEqual(deployment.spec.template.spec.containers[0].args.slice(-3), ['--', '--title', '$$(HOME)']);

  // Inline env (from code: the CLI's inline values are Hive's own, with no `$`): compose's `$` and the kubelet's `$(`.
  const input = { app: 'api', env: { MOTTO: 'pay $5 $(HOME) $$(X)' } };
  const composeFile = renderDeployRecipe('compose', input).find((file) => file.path === 'compose.yaml')!;
  assert.equal(parse(composeFile.content).services.app.environment.MOTTO, 'pay $$5 $$(HOME) $$$$(X)');
  const [inline] = kubernetesManifests(resolveDeployOptions(input)) as { spec: any }[];
  const env = inline!.spec.template.spec.containers[0].env as { name: string; value: string }[];
  assert.equal(env.find((entry) => entry.name === 'MOTTO')?.value, 'pay $5 $$(HOME) $$$$(X)');
});

test('Hive own variables, increment_var PORT and --inspect are left out, each said', async () => {
  const result = await deploy('k8s', '--app', 'api', '--out', 'said');
  assert.equal(result.code, 0, result.stderr);
  const warnings = result.stderr;
  assert.match(warnings, /"HIVE_INCREMENT_VAR", "HIVE_INSTANCE_VAR", Hive's own variables.*left out/);
  assert.match(warnings, /increment_var PORT .*the recipe runs one port per container/);
  assert.match(warnings, /with --inspect=127\.0\.0\.1:0 in its node args: a debugger's port in production/);
  const args = parseAllDocuments(read('said', 'k8s.yaml'))
    .map((doc) => doc.toJSON())
    .find((m) => m.kind === 'Deployment').spec.template.spec.containers[0].args as string[];
  assert.equal(args[args.indexOf('--node-args') + 1], '--max-old-space-size=256');
  assert.doesNotMatch(read('said', 'k8s.yaml'), /inspect|HIVE_INCREMENT_VAR|INSTANCE_ID/);
});

test('--with-env without an app the daemon runs writes no env file, and says so', () => {
  const dir = writeApp(join(hive.dir, 'other'), { name: 'other', dependencies: { hive: '*' } });
  const result = hiveDeploy(dir, 'compose', '--with-env');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /--with-env: no env of an app the daemon runs/);
  assert.equal(existsSync(join(dir, 'other.env')), false);
  assert.doesNotMatch(read('../other/compose.yaml'), /env_file/);
});
