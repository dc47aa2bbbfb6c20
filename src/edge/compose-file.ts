/**
 * The Docker Compose recipe: nginx (a generated config) in front of N app replicas, plus Redis, with health checks
 * and start order following health.
 */
import type { DeployOptions } from './deploy-options.js';
import { containerEnv, runStopSeconds, runWhere, shellWord, startDelay, usesMetricsPort } from './dockerfile.js';
import { drainKeepalive } from './drain-keepalive.js';
import { generateNginxConfig } from './nginx-config.js';
import { composeLiteral, envFilePath } from './recipe-env.js';
import { toYaml } from './yaml-writer.js';

/**
 * The nginx.conf the compose recipe mounts, on its own: a whole config (`hive edge nginx --full`'s shape) for the
 * official nginx image, every replica behind the `app` service name on the app's port, with the app's sticky hash.
 * @param options - from `resolveDeployOptions(input, 'compose')`
 */
export function renderComposeNginx(options: DeployOptions): string {
  return generateNginxConfig(
    {
      // The official nginx image's paths. Its /var/log/nginx/access.log is a link to the container's stdout;
      // /dev/stderr itself cannot be opened when stderr is a socket, nginx's own `stderr` always works.
      main: { pid: '/var/run/nginx.pid', errorLog: 'stderr' },
      sites: [
        {
          app: options.app,
          serverName: options.host ?? '_',
          listen: { port: 80, defaultServer: true },
          ...(options.sticky !== undefined && { sticky: options.sticky }),
          // Docker's DNS answers `app` with one address per replica; nginx resolves it once, at start. Always TCP,
          // never an app's Unix socket (`upstream.socket`): nginx runs in its own container and cannot reach it. Idle
          // connections closed before the app's drain would close them (drain-keepalive.ts).
          // An app serving HTTPS itself: TLS to it, unverified (inside the compose network), SNI the public name.
          upstream: {
            hosts: `app:${options.port}`,
            ...composeKeepalive(options),
            ...(options.upstreamTls && { tls: true }),
          },
          accessLog: '/var/log/nginx/access.log',
        },
      ],
    },
    { shape: 'full' },
  );
}

/**
 * The recipe's upstream keep-alive for the grace its `hive run` gets: nginx's default when that is hive run's own.
 * Exported for deploy-warnings.ts, which says when it leaves no keep-alive at all.
 */
export function composeKeepalive(options: DeployOptions): ReturnType<typeof drainKeepalive> {
  return options.drainIdleGrace === undefined ? undefined : drainKeepalive(Math.round(options.drainIdleGrace * 1000));
}

// The readiness check compose runs in the app's container, on loopback. An app that answers its own probes and serves
// HTTPS itself is asked over TLS, its certificate unverified (made for its public name, or self-signed): node's fetch
// cannot skip verification for one request.
function composeProbe(options: DeployOptions): string {
  const { port, readiness } = options.health;
  if (options.upstreamTls && !usesMetricsPort(options)) {
    return (
      `require('node:https').get({ host: '127.0.0.1', port: ${port}, path: '${readiness}', rejectUnauthorized: false }, ` +
      "(r) => process.exit(r.statusCode >= 200 && r.statusCode < 300 ? 0 : 1)).on('error', () => process.exit(1))"
    );
  }
  const healthUrl = `http://127.0.0.1:${port}${readiness}`;
  return `fetch('${healthUrl}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
}

/** Renders compose.yaml. */
export function renderCompose(options: DeployOptions): string {
  // Inside the container, so loopback: the metrics port (or the app's, see usesMetricsPort) is not published.
  // Readiness: nginx waits on this check, and should start once a process can take requests.
  const envFile = envFilePath(options, 'compose');
  const probe = composeProbe(options);
  const services: Record<string, Parameters<typeof toYaml>[0]> = {
    app: {
      // Compose resolves the context from the compose file's directory, and the dockerfile from the context.
      build:
        options.layout.recipe === '.'
          ? '.'
          : { context: options.layout.context, dockerfile: `${options.layout.recipe}/Dockerfile` },
      image: options.image,
      // No `init: true`: the image's ENTRYPOINT is tini already, and Docker's init in front of it would be a second.
      // The app's own values from their file, raw: compose would read `$` in them as its variables otherwise.
      ...(envFile !== undefined && { env_file: [{ path: `./${envFile}`, required: true, format: 'raw' }] }),
      environment: Object.fromEntries(
        Object.entries(containerEnv(options)).map(([name, value]) => [name, composeLiteral(value)]),
      ),
      expose: [String(options.port)],
      deploy: { replicas: options.replicas, ...composeLimits(options) },
      // hive run's longest stop, then a margin for its exit (its output flushed) before Docker's SIGKILL.
      stop_grace_period: `${runStopSeconds(options) + 5}s`,
      healthcheck: {
        // Without the app's NODE_OPTIONS (a --require of its tracing would start in every check) and NODE_USE_ENV_PROXY
        // (Node.js 24 would send this loopback fetch to the app's HTTP_PROXY, and the check would never pass).
        test: ['CMD', 'env', '-u', 'NODE_OPTIONS', '-u', 'NODE_USE_ENV_PROXY', 'node', '-e', probe],
        interval: '5s',
        timeout: '3s',
        retries: 5,
        // A process may take the listen timeout to listen: failed checks before it would mark the app unhealthy.
        start_period: `${startDelay(options)}s`,
      },
      ...(options.redis && { depends_on: { redis: { condition: 'service_healthy' } } }),
      restart: 'unless-stopped',
    },
    nginx: {
      // The stable branch, not a mainline that a newer one supersedes; pin a version or digest for production.
      image: 'nginx:stable-alpine',
      ports: [`${options.publish}:80`],
      volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro'],
      // nginx resolves `app` when it starts, so it waits for healthy replicas. `restart`: when `up` recreates the app's
      // containers (a new build, a changed env), they get new addresses, and nginx, left running, would keep sending
      // to the old ones; compose (2.17 or later) restarts it after them only when asked.
      depends_on: { app: { condition: 'service_healthy', restart: true } },
      healthcheck: {
        // nginx answers HTTP at all (any status: the app's `/` may be a 404); the app's probes are not proxied.
        test: ['CMD-SHELL', "wget -S -O /dev/null http://127.0.0.1/ 2>&1 | grep -q 'HTTP/'"],
        interval: '10s',
        timeout: '3s',
        retries: 3,
      },
      restart: 'unless-stopped',
    },
  };
  if (options.redis) {
    services.redis = {
      image: 'redis:7-alpine',
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '5s', timeout: '3s', retries: 5 },
      restart: 'unless-stopped',
    };
  }
  const compose = composeCommand(options);
  const header = [
    '# Generated by `hive deploy compose`: yours to edit.',
    `# ${runWhere(options, 'Run')}: ${compose} up --build -d, then http://localhost:${options.publish}/`,
    `# Scale: ${compose} up -d --scale app=4 && ${compose} restart nginx (nginx resolves \`app\` at start).`,
    ...(envFile === undefined ? [] : [`# ${envFile} holds the app's env values: keep it out of version control.`]),
  ];
  return `${header.join('\n')}\n${toYaml({ name: options.app, services })}`;
}

// As the Dockerfile's build command: from the app's directory, where `docker compose` alone would find no compose.yaml
// when the recipe is in a directory of its own (compose then resolves the file's paths from the file's directory).
function composeCommand(options: DeployOptions): string {
  const { recipe } = options.layout;
  return recipe === '.' ? 'docker compose' : `docker compose -f ${shellWord(`${recipe}/compose.yaml`)}`;
}

// Only the limits the caller gave: a compose file has always run without any, and a default memory limit would kill a
// heavier app that ran before. `hive run -i max` reads the CPU limit through cgroups, as on Kubernetes.
function composeLimits(options: DeployOptions): { resources?: { limits: Record<string, string> } } {
  const { cpu, memory } = options.givenLimits;
  if (!cpu && !memory) return {};
  const limits: Record<string, string> = {};
  if (cpu) limits.cpus = composeCpus(options.resources.cpuLimit);
  if (memory) limits.memory = composeMemory(options.resources.memoryLimit);
  return { resources: { limits } };
}

/** A Kubernetes CPU quantity (`2`, `1.5`, `500m`) as compose's `cpus`: a decimal number of CPUs (`0.5`). */
function composeCpus(quantity: string): string {
  // `.5` or `2.500` as Docker's own CLI prints a number (deploy-options allows 3 decimals at most: no float noise).
  if (!quantity.endsWith('m')) return String(Number(quantity));
  const millis = quantity
    .slice(0, -1)
    .replace(/^0+(?=\d)/, '')
    .padStart(4, '0');
  const whole = millis.slice(0, -3);
  const fraction = millis.slice(-3).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

const kBinaryUnits = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n } as const;
const kDecimalUnits = { k: 1n, M: 2n, G: 3n, T: 4n, P: 5n, E: 6n } as const;
const kComposeUnits = ['p', 't', 'g', 'm', 'k'] as const;

/**
 * A Kubernetes memory quantity as a compose byte value, exactly: compose's k, m, g, t, p are binary (1024), so the
 * largest of them that divides the amount, else whole bytes (`600M` is `600000000b`). BigInt: `1E` is past 2^53.
 * A decimal amount that is not a whole number of bytes (`10.0001Mi`) rounds up, as the kubelet rounds it.
 */
function composeMemory(quantity: string): string {
  const [, whole = '0', fraction = '', unit = ''] = /^(\d*)(?:\.(\d+))?(\D*)$/.exec(quantity) ?? [];
  const scale = 10n ** BigInt(fraction.length);
  let scaled = BigInt(`${whole || '0'}${fraction}`);
  if (unit in kBinaryUnits) scaled *= 1024n ** kBinaryUnits[unit as keyof typeof kBinaryUnits];
  else if (unit in kDecimalUnits) scaled *= 1000n ** kDecimalUnits[unit as keyof typeof kDecimalUnits];
  const bytes = (scaled + scale - 1n) / scale;
  for (const [index, suffix] of kComposeUnits.entries()) {
    const size = 1024n ** BigInt(kComposeUnits.length - index);
    if (bytes > 0n && bytes % size === 0n) return `${bytes / size}${suffix}`;
  }
  return `${bytes}b`;
}
