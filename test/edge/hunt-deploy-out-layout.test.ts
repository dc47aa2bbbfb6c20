// `hive deploy --out <dir>` other than the app's directory wrote recipes that could not build: compose.yaml's
// `build: .` is resolved from the compose file (so the context was the out dir, with no package.json), the k8s
// header said `docker build -t api:latest .` though the Dockerfile was in the out dir, and the `.dockerignore` there
// was read by no one (Docker reads one at the context's root, or `<Dockerfile>.dockerignore` next to the Dockerfile),
// so `COPY . .` copied node_modules, .git and .env into the image. No Docker daemon runs in the tests: the paths are
// resolved here the way compose and `docker build` resolve them, against real files.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { hiveDeploy, writeApp } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-out-layout-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const makeApp = (name: string): string => writeApp(join(dir, name), { dependencies: { hive: '*' } });

/** Docker's ignore file for a build with `dockerfile`: `<Dockerfile>.dockerignore` first, else the context's root. */
function ignoreFile(context: string, dockerfile: string): string | undefined {
  const specific = `${dockerfile}.dockerignore`;
  if (existsSync(specific)) return specific;
  return existsSync(join(context, '.dockerignore')) ? join(context, '.dockerignore') : undefined;
}

function assertIgnoresSecrets(file: string | undefined): void {
  assert.ok(file, 'no ignore file Docker reads');
  const lines = readFileSync(file, 'utf8').split('\n');
  // At the root, or in every folder (`**/`): either keeps it out of the image.
  for (const entry of ['node_modules', '.git', '.env'])
    assert.ok(lines.includes(entry) || lines.includes(`**/${entry}`), `${file} lacks ${entry}`);
}

for (const out of ['deploy/compose', '../ops/api']) {
  test(`compose --out ${out}: the build context is the app's directory, with the Dockerfile and its ignore file`, () => {
    const app = makeApp(`compose-${out.replaceAll(/[./]/g, '')}`);
    const result = hiveDeploy(app, 'compose', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    const outDir = resolve(app, out);
    const compose = parse(readFileSync(join(outDir, 'compose.yaml'), 'utf8'));
    const build = compose.services.app.build;
    // Compose resolves the context from the compose file's directory, and the dockerfile from the context.
    const context = resolve(outDir, typeof build === 'string' ? build : build.context);
    assert.equal(context, app);
    const dockerfile = resolve(context, typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile'));
    assert.equal(dockerfile, join(outDir, 'Dockerfile'));
    assertIgnoresSecrets(ignoreFile(context, dockerfile));
  });

  test(`compose --out ${out}: the header's commands, run from the app's directory, name the compose file`, () => {
    // In a folder of its own: `../ops/api` of the test above must not be this one's.
    const app = makeApp(`header/compose-${out.replaceAll(/[./]/g, '')}`);
    const result = hiveDeploy(app, 'compose', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    const file = join(resolve(app, out), 'compose.yaml');
    const header = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'));
    const run = header.find((line) => line.startsWith('# Run'));
    assert.match(String(run), /^# Run, from the app's directory: docker compose -f \S+ up --build -d, then /);
    // Every `docker compose` the header gives, run where it says, finds the file (without -f it looks in the cwd).
    const commands = header.join('\n').match(/docker compose [^&,(]*/g) ?? [];
    assert.equal(commands.length, 3, header.join('\n'));
    for (const command of commands) {
      const f = /^docker compose -f (\S+) /.exec(command);
      assert.ok(f, `no -f in ${command}`);
      assert.equal(resolve(app, f[1]!), file, command);
    }
  });
}

test("k8s --out deploy/k8s (the docs' example): the header's build command names the Dockerfile", () => {
  const app = makeApp('k8s');
  const result = hiveDeploy(app, 'k8s', '--app', 'api', '--host', 'api.example.com', '--out', 'deploy/k8s');
  assert.equal(result.status, 0, result.stderr);
  const outDir = join(app, 'deploy', 'k8s');
  for (const file of ['k8s.yaml', 'Dockerfile']) {
    const header = readFileSync(join(outDir, file), 'utf8');
    const build = /docker build (.*?) \.(?: &&|$)/m.exec(header);
    assert.ok(build, `${file}: no docker build command in\n${header}`);
    // Run from the app's directory, as the header says: -f is relative to it, the context is `.`.
    assert.match(header, /from the app's directory/);
    const dockerfile = resolve(app, /-f (\S+)/.exec(build[1]!)![1]!);
    assert.equal(dockerfile, join(outDir, 'Dockerfile'), file);
    assertIgnoresSecrets(ignoreFile(app, dockerfile));
  }
  assert.match(readFileSync(join(outDir, 'k8s.yaml'), 'utf8'), /kubectl apply -f deploy\/k8s\/k8s\.yaml/);
  // No .dockerignore where no one reads it.
  assert.deepEqual(readdirSync(outDir).sort(), ['Dockerfile', 'Dockerfile.dockerignore', 'k8s.yaml']);
});

test('without --out nothing changes: build: ., a .dockerignore at the root, docker build -t ... .', () => {
  const app = makeApp('root');
  assert.equal(hiveDeploy(app, 'compose').status, 0);
  assert.equal(parse(readFileSync(join(app, 'compose.yaml'), 'utf8')).services.app.build, '.');
  assertIgnoresSecrets(ignoreFile(app, join(app, 'Dockerfile')));
  assert.match(readFileSync(join(app, 'Dockerfile'), 'utf8'), /^# Build: docker build -t api:latest \.$/m);
  assert.match(
    readFileSync(join(app, 'compose.yaml'), 'utf8'),
    /^# Run: docker compose up --build -d, then http:\/\/localhost:8080\/\n# Scale: docker compose up -d --scale app=4 && docker compose restart nginx /m,
  );
  assert.equal(dirname(join(app, 'Dockerfile')), app);
});

test('from the API, a layout with only one side given is refused, naming layout', async () => {
  const { DeployOptionError, renderDeployRecipe } = await import('../../dist/edge/index.js');
  assert.throws(
    () => renderDeployRecipe('compose', { app: 'api', layout: { recipe: 'deploy' } }),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'layout',
  );
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'api', layout: { recipe: '/srv/deploy', context: '../..' } }),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'layout.recipe',
  );
});
