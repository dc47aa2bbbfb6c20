// Deploy recipes: the committed examples in deploy/ match the generator (UPDATE_GOLDEN=1 rewrites them), the
// Kubernetes manifests pass the API schemas (kubernetes-models; no cluster runs here), the compose file has its
// services and health checks, the nginx.conf it mounts passes nginx -t, and bad options are named.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { parse, parseAllDocuments } from 'yaml';
import {
  type DeployInput,
  DeployOptionError,
  kubernetesManifests,
  renderDeployRecipe,
  resolveDeployOptions,
} from '../../dist/edge/index.js';
import { makePrefix, nginxSkip, nginxTest, withLocalLogs } from './nginx-harness.js';

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const tempDirs: string[] = [];
after(() => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The example app behind the committed recipes in deploy/. */
// Written with `--out deploy/<target>` from the app's directory, where they sit in this repository.
const examples: Record<'compose' | 'k8s', DeployInput> = {
  compose: {
    app: 'api',
    script: 'dist/server.js',
    replicas: 3,
    layout: { recipe: 'deploy/compose', context: '../..' },
  },
  k8s: {
    app: 'api',
    script: 'dist/server.js',
    host: 'api.example.com',
    tlsSecret: 'api-tls',
    layout: { recipe: 'deploy/k8s', context: '../..' },
  },
};

for (const target of ['compose', 'k8s'] as const) {
  test(`deploy/${target}/ matches \`hive deploy ${target}\`${update ? ' (updating)' : ''}`, () => {
    for (const file of renderDeployRecipe(target, examples[target])) {
      const path = join(deployDir, target, file.path);
      if (update) {
        mkdirSync(join(deployDir, target), { recursive: true });
        writeFileSync(path, file.content);
      }
      assert.equal(file.content, readFileSync(path, 'utf8'), `${path} is stale: run UPDATE_GOLDEN=1, review the diff`);
    }
  });
}

const kinds = { Deployment, Service, Ingress, HorizontalPodAutoscaler, PodDisruptionBudget } as const;
const variants: DeployInput[] = [
  { app: 'api' },
  { app: 'chat', sticky: 'cookie:sid', host: 'chat.example.com', tlsSecret: 'chat-tls', namespace: 'prod' },
  { app: 'ws', sticky: 'ip', instances: 2, redis: false, killTimeout: 30, resources: { cpuLimit: '500m' } },
  { app: 'one', autoscale: { min: 1 } },
];

test('Kubernetes manifests pass the API schemas, and the YAML reads back as the same objects', () => {
  for (const input of variants) {
    const manifests = kubernetesManifests(resolveDeployOptions(input));
    assert.deepEqual(
      manifests.map((m) => m.kind),
      [
        'Deployment',
        'Service',
        'Ingress',
        'HorizontalPodAutoscaler',
        ...(input.autoscale?.min === 1 ? [] : ['PodDisruptionBudget']),
      ],
    );
    for (const manifest of manifests) {
      const Model = kinds[manifest.kind as keyof typeof kinds];
      assert.doesNotThrow(() => new Model(manifest as never).validate(), `${input.app} ${String(manifest.kind)}`);
    }
    const file = renderDeployRecipe('k8s', input).find((f) => f.path === 'k8s.yaml')!;
    const documents = parseAllDocuments(file.content).map((doc) => doc.toJSON());
    assert.deepEqual(documents, manifests);
  }
});

test('the Deployment drains before it is killed and probes readiness and liveness', () => {
  const options = resolveDeployOptions({ app: 'chat', sticky: 'cookie:sid', killTimeout: 30 });
  const [deployment, service, ingress] = kubernetesManifests(options) as [any, any, any];
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const preStop = Number(container.lifecycle.preStop.exec.command[1]);
  // hive run's stop takes up to twice the kill timeout (treekill: the drain, then its children's).
  assert.ok(pod.terminationGracePeriodSeconds > preStop + 2 * options.killTimeout);
  // A sticky app runs one process per pod: ingress-nginx shares kept-alive connections between clients.
  const args =
    'server.js --name chat --instances 1 --port 3000 --kill-timeout 30s --keep-alive-timeout 65s --metrics-port 9464 --metrics-host :: --sticky cookie:sid';
  assert.deepEqual(container.args, args.split(' '));
  const plain = kubernetesManifests(resolveDeployOptions({ app: 'api' }))[0] as any;
  assert.deepEqual(plain.spec.template.spec.containers[0].args.slice(1, 5), ['--name', 'api', '--instances', 'max']);
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.ok(container.resources.limits.cpu, 'a CPU limit, which -i max reads through cgroups');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(deployment.spec.replicas, undefined, 'the autoscaler owns the replica count');
  assert.equal(service.spec.sessionAffinity, 'ClientIP');
  const annotations = ingress.metadata.annotations;
  assert.equal(annotations['nginx.ingress.kubernetes.io/upstream-hash-by'], '$cookie_sid');
  assert.equal(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'], '3600');
  // The response-header room `hive edge nginx` gives (hunt-upstream-big-headers.test.ts), past ingress-nginx's 4k.
  assert.equal(annotations['nginx.ingress.kubernetes.io/proxy-buffer-size'], '16k');
  // The retry rule of `hive edge nginx` (nginx-retries.test.ts): the app's own 5xx are not tried on every pod, and
  // a timeout is retried only within a budget far below the read timeout (a connect timeout, not a slow request).
  assert.equal(annotations['nginx.ingress.kubernetes.io/proxy-next-upstream'], 'error timeout');
  const budget = Number(annotations['nginx.ingress.kubernetes.io/proxy-next-upstream-timeout']);
  assert.ok(budget > 0 && budget < Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']), `${budget}`);
});

test('compose: nginx + replicas + Redis with health checks, started in order of health', () => {
  const files = renderDeployRecipe('compose', { app: 'api', replicas: 4, publish: 9090 });
  assert.deepEqual(
    files.map((f) => f.path),
    ['Dockerfile', '.dockerignore', 'compose.yaml', 'nginx.conf'],
  );
  const compose = parse(files.find((f) => f.path === 'compose.yaml')!.content);
  const { app, nginx, redis } = compose.services;
  assert.equal(app.deploy.replicas, 4);
  // tini is the image's ENTRYPOINT (hunt-deploy-init.test.ts): no Docker init on top of it.
  assert.equal(app.init, undefined);
  assert.equal(app.environment.REDIS_URL, 'redis://redis:6379');
  for (const service of [app, nginx, redis]) assert.ok(service.healthcheck.test.length > 0);
  assert.deepEqual(app.depends_on, { redis: { condition: 'service_healthy' } });
  assert.deepEqual(nginx.depends_on, { app: { condition: 'service_healthy', restart: true } });
  assert.deepEqual(nginx.ports, ['9090:80']);
  assert.deepEqual(nginx.volumes, ['./nginx.conf:/etc/nginx/nginx.conf:ro']);
  const noRedis = parse(renderDeployRecipe('compose', { app: 'api', redis: false })[2]!.content);
  assert.equal(noRedis.services.redis, undefined);
  assert.equal(noRedis.services.app.depends_on, undefined);
});

test("compose's nginx.conf passes nginx -t (with `app` resolvable)", { skip: nginxSkip() }, async () => {
  const dir = await makePrefix();
  tempDirs.push(dir);
  const conf = renderDeployRecipe('compose', { app: 'api', sticky: 'ip' }).find((f) => f.path === 'nginx.conf')!;
  assert.match(conf.content, /server app:3000 /);
  // Only Docker's DNS knows `app`; nginx -t resolves upstream names, so the test points it at loopback.
  const path = join(dir, 'nginx.conf');
  writeFileSync(path, withLocalLogs(conf.content.replace('server app:3000 ', 'server 127.0.0.1:3000 '), dir));
  const result = nginxTest(dir, path);
  assert.equal(result.status, 0, result.output);
});

test('default images are current: Node.js 24 (20 is end-of-life since 2026-04-30) and nginx stable', () => {
  for (const target of ['compose', 'k8s'] as const) {
    const dockerfile = renderDeployRecipe(target, { app: 'api' })[0]!.content;
    assert.equal(dockerfile.match(/^FROM node:24-bookworm-slim/gm)?.length, 2, target);
  }
  const compose = parse(renderDeployRecipe('compose', { app: 'api' })[2]!.content);
  assert.equal(compose.services.nginx.image, 'nginx:stable-alpine');
});

test('Dockerfile: multi-stage, production dependencies, non-root, hive run in exec form', () => {
  const withBuild = renderDeployRecipe('k8s', { app: 'api', node: 22 })[0]!.content;
  assert.equal(withBuild.match(/^FROM node:22-bookworm-slim/gm)?.length, 2);
  assert.match(
    withBuild,
    /^RUN npm ci --ignore-scripts\nCOPY \. \.\nRUN npm rebuild && npm run build --if-present && npm prune --omit=dev --ignore-scripts$/m,
  );
  assert.match(withBuild, /^COPY --from=build \/app \.\/$/m);
  assert.match(withBuild, /^USER node$/m);
  const entrypoint = /^ENTRYPOINT (.*)$/m.exec(withBuild)![1]!;
  assert.deepEqual(JSON.parse(entrypoint), [
    '/usr/bin/tini',
    '--',
    'node',
    'node_modules/hive/dist/cli/hive.js',
    'run',
  ]);
  assert.deepEqual(JSON.parse(/^CMD (.*)$/m.exec(withBuild)![1]!).slice(0, 5), [
    'server.js',
    '--name',
    'api',
    '--instances',
    'max',
  ]);
  // Behind a proxy the cluster keys a sticky client on X-Real-IP: its own peer address is the proxy's.
  const sticky = renderDeployRecipe('compose', { app: 'api', sticky: 'ip' })[0]!.content;
  assert.deepEqual(JSON.parse(/^CMD (.*)$/m.exec(sticky)![1]!).slice(-2), ['--sticky', 'header:x-real-ip']);
  const noBuild = renderDeployRecipe('k8s', { app: 'api', build: false })[0]!.content;
  assert.equal(noBuild.match(/^FROM /gm)?.length, 2);
  assert.doesNotMatch(noBuild, /AS build|npm run build/);
  assert.match(noBuild, /^RUN npm rebuild && npm prune --omit=dev --ignore-scripts$/m);
  assert.match(noBuild, /^COPY --from=deps \/app \.\/$/m);
});

test('bad deploy options are named', () => {
  const cases: [DeployInput, string][] = [
    [{ app: 'My_App' }, 'app'],
    [{ app: 'api', port: 0 }, 'port'],
    [{ app: 'api', resources: { cpuLimit: 'two' } }, 'resources.cpuLimit'],
    [{ app: 'api', autoscale: { min: 5, max: 2 } }, 'autoscale.min'],
    [{ app: 'api', tlsSecret: 'api-tls' }, 'tlsSecret'],
    [{ app: 'api', sticky: 'session' }, 'sticky'],
    [{ app: 'api', replica: 2 } as DeployInput, 'replica'],
  ];
  for (const [input, key] of cases) {
    assert.throws(
      () => renderDeployRecipe('k8s', input),
      (error: unknown) =>
        error instanceof DeployOptionError &&
        error.code === 'ERR_HIVE_DEPLOY_INVALID_OPTION' &&
        error.key === key &&
        error.message.startsWith(`${key}:`),
      key,
    );
  }
});

test('the recipes keep TCP between nginx and the app: a Unix socket does not cross containers or pods', () => {
  for (const target of ['compose', 'k8s'] as const) {
    for (const file of renderDeployRecipe(target, { app: 'api' })) {
      assert.doesNotMatch(file.content, /unix:|--socket/, `${target} ${file.path}`);
    }
  }
  const conf = renderDeployRecipe('compose', { app: 'api' }).find((f) => f.path === 'nginx.conf')!;
  assert.match(conf.content, /server app:3000 /);
  // Not an option of the recipes at all, so it cannot be asked for by mistake.
  assert.throws(
    () => renderDeployRecipe('compose', { app: 'api', socket: '/run/hive/api.sock' } as DeployInput),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'socket',
  );
});
