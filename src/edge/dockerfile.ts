/**
 * The Dockerfile and .dockerignore of the deploy recipes: multi-stage, production dependencies from the lockfile,
 * an unprivileged user, and tini as PID 1 (it reaps orphans) running `hive run` in exec form, so that SIGTERM
 * reaches hive run and it drains the app.
 */
import { joinArgs } from '../config/split-args.js';
import type { DeployOptions } from './deploy-options.js';

/**
 * `hive run`'s arguments in the container: the script, the app's name, the cluster size, the drain, keep-alive and
 * readiness settings, the sticky key.
 */
export function hiveRunArgs(options: DeployOptions, instances: number | 'max' = options.instances ?? 'max'): string[] {
  // The recipe's name, which its image, compose project and Deployment carry: without it hive run names the app after
  // its script (`server`), in every log prefix, JSON record, metrics label and the processes' HIVE_APP_NAME. Every
  // name the recipe takes (a Kubernetes name) is one hive run --name takes.
  const args = [
    options.script,
    '--name',
    options.app,
    '--instances',
    String(instances),
    '--port',
    String(options.port),
  ];
  args.push('--kill-timeout', durationArg(options.killTimeout));
  if (options.drainIdleGrace !== undefined) args.push('--drain-idle-grace', durationArg(options.drainIdleGrace));
  if (options.listenTimeout !== undefined) args.push('--listen-timeout', durationArg(options.listenTimeout));
  if (options.keepAliveTimeout !== undefined) {
    args.push('--keep-alive-timeout', durationArg(options.keepAliveTimeout));
  }
  if (options.waitReady) args.push('--wait-ready');
  if (!options.treekill) args.push('--no-treekill');
  if (options.maxMemoryRestart !== undefined) args.push('--max-memory-restart', String(options.maxMemoryRestart));
  if (options.nodeArgs.length > 0) args.push('--node-args', joinArgs(options.nodeArgs));
  // The probes' port: Hive's metrics server answers /healthz and /readyz there, never on the app's port. On every
  // address: the kubelet probes the pod's IP (compose's health check, inside the container, would do with loopback).
  // `::`, not 0.0.0.0: dual-stack, so an IPv6 pod IP (an IPv6-only cluster) reaches it as an IPv4 one does, as the
  // app's own port (Node's default listen) does; on a kernel without IPv6, hive run binds 0.0.0.0 instead.
  if (usesMetricsPort(options)) {
    args.push('--metrics-port', String(options.health.port), '--metrics-host', '::');
  }
  // Both recipes put a proxy in front (nginx, ingress-nginx), so the cluster would only ever see the proxy's
  // address: the client's is in X-Real-IP, which both proxies set.
  if (options.sticky !== undefined) {
    args.push('--sticky', options.sticky === 'ip' ? 'header:x-real-ip' : options.sticky);
  }
  if (options.args.length > 0) args.push('--', ...options.args);
  return args;
}

/** Seconds as hive run takes them: in ms when not whole seconds (1500ms reads plainer than 1.5s). */
export function durationArg(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/**
 * The longest stop of the recipe's `hive run`, in whole seconds, which the grace periods before the orchestrator's
 * SIGKILL (compose's stop_grace_period, the pod's terminationGracePeriodSeconds) must cover: a retiring process drains
 * for up to the kill timeout, and with treekill (on unless the app turned it off) the children it leaves get
 * SIGTERM once it has exited and SIGKILL a kill timeout later (docs/cluster.md). Twice the kill timeout, as the daemon
 * waits for a primary (daemon/stop-timeout.ts); a SIGKILL of hive run before that leaves those children running and
 * loses its last lines.
 */
export function runStopSeconds(options: Pick<DeployOptions, 'killTimeout'>): number {
  return Math.ceil(2 * options.killTimeout);
}

/**
 * Seconds a container's health checks are not held against it after its start (k8s' liveness delay, compose's
 * start_period): hive run's listen timeout (10s by default, the least), which a process may take to listen.
 */
export function startDelay(options: Pick<DeployOptions, 'listenTimeout'>): number {
  return Math.max(10, Math.ceil(options.listenTimeout ?? 10));
}

/**
 * The container's environment: the app's own, under the recipe's NODE_ENV and PORT (and REDIS_URL with Redis), which
 * the image and the recipe's services are made for.
 */
export function containerEnv(options: DeployOptions): Record<string, string> {
  return {
    ...options.env,
    NODE_ENV: 'production',
    PORT: String(options.port),
    ...(options.redis && { REDIS_URL: 'redis://redis:6379' }),
  };
}

/**
 * Whether the probes go to `hive run --metrics-port` (the default) rather than to the app's own port. Only a
 * `health.port` given equal to `port` is the app's own: resolveDeployOptions moves a defaulted one that collides.
 */
export function usesMetricsPort(options: DeployOptions): boolean {
  return options.health.port !== options.port;
}

/** Renders the Dockerfile. */
export function renderDockerfile(options: DeployOptions): string {
  const base = `node:${options.node}-bookworm-slim`;
  const json = (values: string[]) => JSON.stringify(values).replaceAll('","', '", "');
  const lines = [
    '# syntax=docker/dockerfile:1',
    '# Generated by `hive deploy`: yours to edit.',
    `# ${runWhere(options, 'Build')}: ${buildCommand(options)}`,
    '',
    // One stage installs every dependency and runs the app's install scripts with its files, so that a postinstall
    // finds what it needs whether it reads the app's files (prisma generate, patch-package) or runs a devDependency
    // (husky install, a prisma CLI in devDependencies); npm prune then leaves the production dependencies. Without
    // --ignore-scripts npm 11's prune runs a workspace's install scripts again, with its devDependencies gone (a
    // workspace's `"postinstall": "prisma generate"` failed with `prisma: not found`); npm rebuild has run them.
    '# Every dependency, exactly as the lockfile says, downloaded before the source is copied (a cached layer). With',
    "# the app's files in place, npm rebuild runs the dependencies' install scripts (native addons) and the app's own",
    '# preinstall, install and postinstall (prisma generate, patch-package, husky install), devDependencies at hand;',
    options.build
      ? "# then the app's build (`npm run build`), and npm prune leaves the production dependencies, with what the"
      : '# then npm prune leaves the production dependencies, with what the',
    "# scripts wrote (it does not run them again). The app's `prepare` does not run (husky's needs .git).",
    `FROM ${base} AS ${installStage(options)}`,
    'WORKDIR /app',
    'COPY package.json package-lock.json ./',
    'RUN npm ci --ignore-scripts',
    'COPY . .',
    `RUN npm rebuild && ${options.build ? 'npm run build --if-present && ' : ''}npm prune --omit=dev --ignore-scripts`,
    '',
  ];
  lines.push(
    `FROM ${base}`,
    '# tini as PID 1: node waits only for the processes it started, so a grandchild the app orphans would stay a',
    '# zombie for the life of the container. tini reaps those and passes every signal on to hive run.',
    'RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*',
    `ENV NODE_ENV=production PORT=${options.port}`,
    'WORKDIR /app',
    // Files stay owned by root: the app can read its code but not rewrite it.
    `COPY --from=${installStage(options)} /app ./`,
    "# The base image's unprivileged user (uid 1000).",
    'USER node',
    `EXPOSE ${options.port}`,
    '# Exec form, no shell in between: tini hands SIGTERM to `hive run`, which drains its processes within',
    '# --kill-timeout. With `-i max` it sizes the cluster from the container CPU limit (cgroups).',
    'STOPSIGNAL SIGTERM',
    `ENTRYPOINT ${json(['/usr/bin/tini', '--', 'node', 'node_modules/hive/dist/cli/hive.js', 'run'])}`,
    `CMD ${json(hiveRunArgs(options))}`,
    '',
  );
  return lines.join('\n');
}

/** The stage that installs the app (and builds it, unless `--no-build`): its /app is the image's. */
function installStage(options: Pick<DeployOptions, 'build'>): 'build' | 'deps' {
  return options.build ? 'build' : 'deps';
}

/**
 * The build command the recipes' comments give. With the recipe in a directory of its own (`--out`), run from the
 * app's directory, the context, with `-f` naming the Dockerfile.
 */
export function buildCommand(options: DeployOptions): string {
  const { recipe } = options.layout;
  if (recipe === '.') return `docker build -t ${options.image} .`;
  return `docker build -f ${shellWord(`${recipe}/Dockerfile`)} -t ${options.image} .`;
}

/** How the recipes' comments say where to run their commands. */
export function runWhere(options: DeployOptions, verb: string): string {
  return options.layout.recipe === '.' ? verb : `${verb}, from the app's directory`;
}

/** A path as one shell word, quoted only when it needs to be. */
export function shellWord(path: string): string {
  return /^[A-Za-z0-9._/@%+=:,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * Where Docker reads the ignore file: `.dockerignore` at the context's root, or (BuildKit, the default builder of
 * `docker build` and of compose) `<Dockerfile>.dockerignore` next to the Dockerfile, which is the one a recipe in its
 * own directory can hold without writing outside it. A `.dockerignore` there would be read by no one.
 */
export function dockerignorePath(options: DeployOptions): string {
  return options.layout.recipe === '.' ? '.dockerignore' : 'Dockerfile.dockerignore';
}

/**
 * Keeps the build context small and secrets out of the image: `COPY . .` copies the whole context into the final
 * image, so a credential lying in the app's directory would ship to every registry and host that pulls it. The
 * recipe's own `files` (relative to its directory) are listed too, when the recipe is inside the context: its env file
 * holds the app's values, and compose.yaml or k8s.yaml has no place in the image either.
 */
export function renderDockerignore(options: DeployOptions, files: readonly string[]): string {
  const { recipe } = options.layout;
  const inContext = recipe !== '..' && !recipe.startsWith('../');
  const own = inContext
    ? [
        '',
        "# This recipe's own files: `COPY . .` would put them in the image too (an env file holds the app's secrets).",
        ...files.map((file) => ignorePattern(recipe === '.' ? file : `${recipe}/${file}`)),
      ]
    : [];
  return [
    '# Generated by `hive deploy`: yours to edit.',
    // In every folder: the image's only node_modules is its first stage's, built for its platform; a nested one from
    // the host (a client/ folder's) would ship the host's binaries, and its size in every build context.
    '**/node_modules',
    '.git',
    'npm-debug.log*',
    'coverage',
    '',
    '# Secrets: `COPY . .` would put them in the image, for anyone who can pull it to read. `**/` matches them in',
    '# every folder. An app that needs one of these files (a public CA certificate) adds `!<its path>` below;',
    '# a private registry token for `npm ci` goes in as a build secret (RUN --mount=type=secret), not in .npmrc.',
    '**/.env',
    '**/.env.*',
    // An env file by its extension (`api.env`): also the Secret an older `hive deploy k8s --with-env` wrote there.
    '**/*.env',
    // direnv's file: `export` lines of the developer's credentials (AWS keys, tokens), never the app's own.
    '**/.envrc',
    '**/.npmrc',
    '**/.yarnrc.yml',
    '**/.netrc',
    '**/.git-credentials',
    '**/*.pem',
    '**/*.key',
    '**/*.p12',
    '**/*.pfx',
    '**/id_rsa*',
    '**/id_dsa*',
    '**/id_ecdsa*',
    '**/id_ed25519*',
    '**/.ssh',
    '**/.aws',
    '**/.azure',
    '**/.config/gcloud',
    '**/.kube',
    '**/.docker',
    ...own,
    '',
  ].join('\n');
}

// A path as a .dockerignore line matches it alone: its pattern characters escaped, and a leading `#` (a comment) or
// `!` (an exception).
function ignorePattern(path: string): string {
  return path.replace(/[\\*?[]|^[#!]/g, (char) => `\\${char}`);
}
