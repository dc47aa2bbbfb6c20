// `hive deploy compose|k8s`: writes the recipe into --out, never overwrites the user's files without --force, and
// writes nothing on bad input.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hiveDeploy } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('k8s: names the app from package.json, writes the files, refuses to overwrite without --force', () => {
  const app = join(dir, 'app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: '@acme/orders', main: './dist/main.js' }));
  const first = hiveDeploy(app, 'k8s', '--out', 'deploy');
  assert.equal(first.status, 0, first.stderr);
  // Docker reads the ignore file of a Dockerfile outside the context's root next to it (hunt-deploy-out-layout).
  assert.deepEqual(readdirSync(join(app, 'deploy')).sort(), ['Dockerfile', 'Dockerfile.dockerignore', 'k8s.yaml']);
  const manifests = readFileSync(join(app, 'deploy', 'k8s.yaml'), 'utf8');
  assert.match(manifests, /^ {2}name: orders$/m);
  assert.match(manifests, /- dist\/main\.js$/m);

  writeFileSync(join(app, 'deploy', 'Dockerfile'), '# mine\n');
  const again = hiveDeploy(app, 'k8s', '--out', 'deploy');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /ERR_HIVE_DEPLOY_FILE_EXISTS/);
  assert.equal(readFileSync(join(app, 'deploy', 'Dockerfile'), 'utf8'), '# mine\n');

  const forced = hiveDeploy(app, 'k8s', '--out', 'deploy', '--force');
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(readFileSync(join(app, 'deploy', 'Dockerfile'), 'utf8'), /npm prune --omit=dev/);
});

test('compose writes the four files; bad input exits 2 and writes nothing', () => {
  const out = join(dir, 'compose');
  const ok = hiveDeploy(dir, 'compose', '--app', 'api', '--replicas', '3', '--out', out);
  assert.equal(ok.status, 0, ok.stderr);
  // --out is not the app's directory (dir): the ignore file goes next to the Dockerfile.
  assert.deepEqual(readdirSync(out).sort(), ['Dockerfile', 'Dockerfile.dockerignore', 'compose.yaml', 'nginx.conf']);

  const cases: [string[], RegExp][] = [
    [['compose', '--app', 'API'], /ERR_HIVE_DEPLOY_INVALID_OPTION: --app \(app\):/],
    [['k8s', '--app', 'api', '--cpu-limit', 'lots'], /--cpu-limit \(resources\.cpuLimit\):.*"lots"/],
    [['k8s', '--app', 'api', '--replicas', 'many'], /--replicas: expected an integer/],
    [['k8s', '--app', 'api', '--tls-secret', 'api-tls'], /--tls-secret \(tlsSecret\): needs host/],
    [['swarm', '--app', 'api'], /unknown target/],
    [['k8s', '--app', 'api', '--bogus'], /ERR_HIVE_DEPLOY_INVALID_OPTION/],
  ];
  for (const [argv, message] of cases) {
    const bad = join(dir, 'bad');
    const result = hiveDeploy(dir, ...argv, '--out', bad);
    assert.equal(result.status, 2, `${argv.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(existsSync(bad), false);
  }
  assert.equal(hiveDeploy(dir, '--help').status, 0);
  assert.equal(hiveDeploy(dir).status, 2);
});

test('--help tells the quantities --cpu-limit and --memory-limit take, and each one it names is accepted', () => {
  const help = hiveDeploy(dir, '--help').stdout;
  // The option's lines, its continuation lines joined.
  const memory = (/--memory-limit <q>[^\n]*(?:\n {20,}[^\n]*)*/.exec(help)?.[0] ?? '').replace(/\s+/g, ' ');
  const suffixes = /k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei/.exec(memory)?.[0].split(', ') ?? [];
  assert.equal(suffixes.length, 12, `the memory suffixes in:\n${help}`);
  assert.match(memory, /lowercase k/);
  assert.match(help, /--cpu-limit <q>[^\n]*500m/);
  const out = join(dir, 'quantities');
  // 8000 of each: at least 6Mi, the least limit either recipe takes, whatever the suffix.
  for (const suffix of suffixes) {
    const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--memory-limit', `8000${suffix}`, '--out', out, '--force');
    assert.equal(result.status, 0, `${suffix}: ${result.stderr}`);
    assert.match(readFileSync(join(out, 'k8s.yaml'), 'utf8'), new RegExp(`memory: 8000${suffix}$`, 'm'));
  }
  assert.equal(hiveDeploy(dir, 'k8s', '--app', 'api', '--cpu-limit', '500m', '--out', out, '--force').status, 0);
});

test('compose: --cpu-limit and --memory-limit reach the app service, in compose syntax', () => {
  const out = join(dir, 'compose-limits');
  const args = ['compose', '--app', 'api', '--cpu-limit', '1500m', '--memory-limit', '1Gi', '--out', out];
  const result = hiveDeploy(dir, ...args);
  assert.equal(result.status, 0, result.stderr);
  const compose = readFileSync(join(out, 'compose.yaml'), 'utf8');
  assert.match(
    compose,
    /^ {4}deploy:\n {6}replicas: 2\n {6}resources:\n {8}limits:\n {10}cpus: "1\.5"\n {10}memory: 1g$/m,
  );
});

test('the generated .dockerignore keeps credentials out of the image, in every folder of the context', () => {
  const app = join(dir, 'secrets-app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'api', main: 'server.js' }));
  const result = hiveDeploy(app, 'compose', '--out', '.');
  assert.equal(result.status, 0, result.stderr);
  const patterns = readFileSync(join(app, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
  // `COPY . .` copies the context into the final image: each of these would ship to whoever can pull it.
  const secrets = ['.env', '.env.*', '.npmrc', '.netrc', '*.pem', '*.key', 'id_rsa*', 'id_ed25519*', '.ssh', '.aws'];
  for (const secret of secrets) assert.ok(patterns.includes(`**/${secret}`), `**/${secret} in ${patterns.join(' ')}`);
  for (const kept of ['**/node_modules', '.git']) assert.ok(patterns.includes(kept), kept);
});
