/**
 * Options of the deploy recipes (`hive deploy compose|k8s`): one app, validated at the door like the nginx options.
 */
import { isIPv4 } from 'node:net';
import { posix } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../cluster/units.js';
import { envKeySuffix, envVariableProblem, PROTO_ENV_NAME } from '../env-variable.js';
import { describeValue } from '../errors.js';
import { meantKeyHint } from '../schema-keys.js';
import { serverNameSchema, stickyRefinement } from './edge-schema.js';
import { DeployOptionError } from './errors.js';
import { issueMessage } from './issue-message.js';

// Kubernetes object names (DNS-1123 labels): the strictest of the places the app name ends up.
const kName = /^[a-z]([a-z0-9-]{0,50}[a-z0-9])?$/;
// A Kubernetes quantity's number may be decimal (`1.5Gi`, `.5`); no sign, no exponent form here.
const kQuantityCpu = /^(\d+(\.\d+)?|\.\d+)m?$/;
// Kubernetes' decimal kilo is a lowercase "k" (a "K" fails the API server's quantity parser); the others are capitals.
const kQuantityMemory = /^(\d+(\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
/** The metrics port `hive deploy` opens for the probes unless told otherwise. */
const kMetricsPort = 9464;
const kPath = /^\/[A-Za-z0-9._~/-]*$/;
const kPathError = 'expected an absolute URL path of letters, digits and . _ ~ / -, such as /readyz';
const kNameError = 'expected a lowercase name of letters, digits and "-", starting with a letter (a Kubernetes name)';
// What a Kubernetes quantity looks like, said in the words of the flags' help rather than as the regex.
const kCpuError = 'expected CPUs or millicores, such as 2, 1.5 or 500m';
const kCpuPrecisionError =
  'expected at most 3 decimals of a CPU, or whole millicores: Kubernetes takes no CPU quantity finer than 1m ' +
  '(0.001 CPU), such as 2.556 or 2556m';
const kMemoryError =
  'expected bytes or a number with a suffix k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi or Ei, such as 512Mi, 1.5Gi or 1G ' +
  '(kilo is a lowercase k, mega a capital M: 1m is not a memory size)';
// A variable name both recipes take as it is (a shell's): Kubernetes before 1.30 refuses any other.
const kEnvName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a deploy recipe's `env` takes a variable of this name (letters, digits and _, no leading digit). */
export function isRecipeEnvName(name: string): boolean {
  // `__proto__` fits the pattern, but an object assigned it takes it as its prototype: the variable would be dropped.
  return kEnvName.test(name) && envVariableProblem(name) === undefined;
}
const kEnvNameError = 'expected a variable name of letters, digits and _, not starting with a digit';

/**
 * The longest `NAME=value` line, in bytes, of compose's env file: Docker reads it line by line (Go's bufio.Scanner),
 * whose 64 KiB buffer must hold a line and its newline; a longer one fails `compose up` with "token too long".
 */
export const kEnvFileLineMax = 64 * 1024 - 1;

/** Whether `name=value` fits a line of compose's env file (kEnvFileLineMax); both recipes take the same values. */
export function fitsEnvFileLine(name: string, value: string): boolean {
  return Buffer.byteLength(name) + 1 + Buffer.byteLength(value) <= kEnvFileLineMax;
}

// An Ingress host is a DNS-1123 subdomain: labels of at most 63, between dots, 253 in all.
const kHost = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * The app's keep-alive timeout in the Kubernetes recipe, in seconds: above ingress-nginx's `upstream-keepalive-timeout`
 * (60s by default, a ConfigMap setting no Ingress annotation changes), so that the ingress closes an idle connection to
 * a pod before the app does, and never sends a request onto one the app is just closing (a 502 for a POST).
 */
export const kIngressKeepAliveTimeout = 65;

// Ten minutes: a drain longer than that holds every rollout (and the kubelet's grace period) for longer still.
const kMaxKillTimeout = 600;
const kDurationSyntax = 'a duration as hive run takes it, such as 5s, 500ms or 1.5m (a bare number is seconds)';
const kKillTimeoutError = `expected ${kDurationSyntax}, more than 0 and at most 10m`;
const kDrainIdleGraceError = `expected ${kDurationSyntax}, at most 10m`;
const kListenTimeoutError = `expected ${kDurationSyntax}, more than 0 and at most 10m`;
const kKeepAliveTimeoutError = `expected ${kDurationSyntax}, more than 0 and at most 10m`;

function durationSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  try {
    return parseDuration(value, 'duration') / 1000;
  } catch {
    return undefined;
  }
}

/**
 * A `hive run` duration flag's option: a number (or a string of digits, as `--kill-timeout 30` always meant here) is
 * seconds, otherwise hive run's syntax (`5s`, `500ms`, `1.5m`); seconds once resolved, a fraction under a whole
 * second. At most ten minutes; 0 only where `zero`.
 */
function runDuration(error: string, zero: boolean) {
  return z.union([z.number(), z.string()], { error }).transform((value, context) => {
    const seconds = durationSeconds(value);
    if (seconds === undefined || seconds < 0 || (seconds === 0 && !zero) || seconds > kMaxKillTimeout) {
      context.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    }
    return seconds;
  });
}

// A relative directory, written with "/" and normalized ("" and "./" are "."): it ends up in compose.yaml and in the
// comments' commands (a control character would break either).
const relativeDir = z
  .string()
  .refine((value) => !posix.isAbsolute(value) && ![...value].some((char) => char.charCodeAt(0) < 0x20), {
    error: 'expected a relative directory such as deploy/k8s or ../..',
  })
  .transform((value) => posix.normalize(value || '.').replace(/(.)\/$/, '$1'));

/** Milli-precision at most: `1.5m` or `2.5555` is finer than Kubernetes allows. */
function milliPrecise(quantity: string): boolean {
  const [, fraction = ''] = /\.(\d+)/.exec(quantity) ?? [];
  return quantity.endsWith('m') ? fraction === '' : fraction.length <= 3;
}

const cpuQuantity = z
  .string()
  .regex(kQuantityCpu, { error: kCpuError })
  .refine((value) => !kQuantityCpu.test(value) || milliPrecise(value), { error: kCpuPrecisionError });

/** Whether a relative script path stays inside the directory it is relative to (`a/../b.js` does, `../b.js` not). */
function insideContext(script: string): boolean {
  const normal = posix.normalize(script);
  return !posix.isAbsolute(normal) && normal !== '..' && !normal.startsWith('../') && normal !== '.';
}

const deploySchema = z.strictObject({
  app: z.string().regex(kName, { error: kNameError }),
  /** The app's entry script, as given to `hive run`. */
  script: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, { error: 'expected a relative path such as server.js or dist/server.js' })
    // The image holds the build context (the app's directory, copied to /app) and nothing else: a script above it or
    // at an absolute path is not in the image, and every container would exit at start with hive run's "not found".
    .refine((value) => insideContext(value), {
      error:
        "expected a path inside the app's directory (the Docker build context, copied to /app in the image), such " +
        'as server.js or dist/server.js: a script outside it is not in the image',
    })
    // `hive run --inspect` would take it as an option and run no script.
    .refine((value) => !value.startsWith('-'), {
      error: 'expected a script path, not an option: it must not start with "-" (write ./-name.js for such a file)',
    })
    .default('server.js'),
  port: z.number().int().min(1).max(65535).default(3000),
  /**
   * `hive run -i`: `max` sizes the cluster from the container's CPU limit (cgroups). Default `max`, except 1 for a
   * sticky app on Kubernetes (see kubernetes-manifests.ts).
   */
  instances: z
    .union([z.literal('max'), z.number().int().positive()], { error: 'expected "max" or a whole number of 1 or more' })
    .optional(),
  /** Containers (compose replicas, Deployment replicas before autoscaling). */
  replicas: z.number().int().positive().max(100).default(2),
  image: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/:@-]*$/, { error: 'expected an image reference such as registry.example.com/api:1.2.0' })
    .optional(),
  /** Node.js major version of the base image: the newest LTS by default (20 is end-of-life since 2026-04-30). */
  node: z.number().int().min(20).default(24),
  /** The app's own build step (`npm run build`), run in the build stage when present. */
  build: z.boolean().default(true),
  /** `hive run --kill-timeout`: how long a process may drain before SIGKILL (see runDuration). */
  killTimeout: runDuration(kKillTimeoutError, false).default(5),
  /**
   * `hive run --drain-idle-grace`: how long a draining process leaves a kept-alive connection idle before closing it
   * (see runDuration); hive run's own default (1s) when unset.
   */
  drainIdleGrace: runDuration(kDrainIdleGraceError, true).optional(),
  /**
   * `hive run --listen-timeout`: how long a new process may take to become ready (see runDuration); hive run's own
   * default (10s) when unset. An app slower to listen than that would fail every start in the container.
   */
  listenTimeout: runDuration(kListenTimeoutError, false).optional(),
  /**
   * `hive run --keep-alive-timeout`: how long the app's HTTP servers keep an idle keep-alive connection (see
   * runDuration). Unset: node's 5s in compose (its nginx keeps idle upstream connections 500ms at most), and
   * {@link kIngressKeepAliveTimeout} on Kubernetes.
   */
  keepAliveTimeout: runDuration(kKeepAliveTimeoutError, false).optional(),
  /** `hive run --wait-ready`: a process is ready when it calls ready() (or PM2's process.send('ready')), not on listen. */
  waitReady: z.boolean().default(false),
  /**
   * false: `hive run --no-treekill`, the child processes a retired app process started are left running (PM2's
   * `treekill: false`: an app that hands work to a long-lived child of its own).
   */
  treekill: z.boolean().default(true),
  /** The script's own arguments: `hive run <script> -- <args>`. */
  args: z.array(z.string()).default([]),
  /** `hive run --node-args`: the Node.js flags of the app's processes, one flag or value each (`--inspect`). */
  nodeArgs: z.array(z.string().min(1)).default([]),
  /** `hive run --max-memory-restart`, in bytes: a process whose RSS exceeds it is replaced. */
  maxMemoryRestart: z.number().int().positive().optional(),
  /**
   * Variables written inline in compose.yaml's `environment` and the Deployment's `env`, for values that are no secret
   * (`HIVE_POOL_THREADS`); `$` is escaped against compose's interpolation and the kubelet's `$(VAR)` expansion. The
   * recipe's own NODE_ENV, PORT and REDIS_URL win. Secrets go in `secretEnv`.
   */
  env: z.record(z.string().regex(kEnvName, { error: kEnvNameError }), z.string()).default({}),
  /**
   * The app's own env values (`hive deploy --app --with-env`), never written into compose.yaml or k8s.yaml: they go
   * into a file of mode 0600: `<app>.env`, compose's `env_file` (read raw, without interpolation), or
   * `<app>-env.secret.yaml`, the Kubernetes Secret `<app>-env` the pods read (`envFrom`). One line each: compose's env
   * file cannot hold a line break, nor a line over 64 KiB (kEnvFileLineMax), and both recipes take the same values.
   */
  secretEnv: z
    .record(
      z.string().regex(kEnvName, { error: kEnvNameError }),
      z.string().regex(/^[^\n\r\0]*$/, { error: 'expected a value without a line break or NUL (one env file line)' }),
    )
    .superRefine((env, ctx) => {
      for (const [name, value] of Object.entries(env)) {
        if (fitsEnvFileLine(name, value)) continue;
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message:
            `expected a value whose env file line (${name}=...) is at most ${kEnvFileLineMax} bytes, ` +
            "the longest compose's env file reader takes",
        });
      }
    })
    .default({}),
  sticky: z.string().superRefine(stickyRefinement).optional(),
  /**
   * The app serves HTTPS itself on `port`: the proxy in front (compose's nginx, ingress-nginx) speaks TLS to it,
   * without verifying its certificate (the hop stays inside the compose network or the cluster), and probes of the
   * app's own port use HTTPS.
   */
  upstreamTls: z.boolean().default(false),
  redis: z.boolean().default(true),
  /**
   * What the orchestrator probes. By default `hive run --metrics-port 9464` (9465 for an app on 9464), whose server
   * answers `/readyz` and `/healthz`: the app's own port serves only the app. A `port` given equal to the app's
   * `port` means the app answers `readiness` and `liveness` itself, and no metrics port is opened.
   */
  health: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(kMetricsPort),
      readiness: z.string().regex(kPath, { error: kPathError }).default('/readyz'),
      liveness: z.string().regex(kPath, { error: kPathError }).default('/healthz'),
    })
    .prefault({}),
  resources: z
    .strictObject({
      cpuRequest: cpuQuantity.default('500m'),
      cpuLimit: cpuQuantity.default('2'),
      memoryRequest: z.string().regex(kQuantityMemory, { error: kMemoryError }).default('256Mi'),
      memoryLimit: z.string().regex(kQuantityMemory, { error: kMemoryError }).default('512Mi'),
    })
    .prefault({}),
  autoscale: z
    .strictObject({
      min: z.number().int().positive().default(2),
      max: z.number().int().positive().default(10),
      cpuUtilization: z.number().int().min(1).max(100).default(70),
    })
    .prefault({}),
  /** Public host name: the Ingress rule's host in k8s, nginx's server_name in compose (see `hostSchemas`). */
  host: z.string().optional(),
  /** Secret holding the Ingress certificate (e.g. made by cert-manager). Needs `host`. */
  tlsSecret: z.string().regex(kName, { error: kNameError }).optional(),
  /** Host port nginx publishes in compose. */
  publish: z.number().int().min(1).max(65535).default(8080),
  /** Kubernetes namespace (none: kubectl's current). */
  namespace: z.string().regex(kName, { error: kNameError }).optional(),
  /**
   * Where the recipe's files go relative to the app's directory (the Docker build context), both ways: `hive deploy
   * --out deploy/k8s` is `{ recipe: 'deploy/k8s', context: '../..' }`. Default: the app's directory itself.
   */
  layout: z
    .strictObject({
      /** The recipe's directory, relative to the app's directory. */
      recipe: relativeDir.default('.'),
      /** The app's directory (the build context), relative to the recipe's directory. */
      context: relativeDir.default('.'),
    })
    .refine((layout) => (layout.recipe === '.') === (layout.context === '.'), {
      error: 'expected recipe and context both "." (the recipe in the app\'s directory) or neither',
    })
    .prefault({}),
});

/**
 * The recipe the options are for: `host` means something else in each (an Ingress host for `k8s`, which must be a
 * lowercase DNS name; nginx's `server_name` for `compose`, which also takes an IP address, any case or a wildcard).
 */
export type DeployRecipe = 'compose' | 'k8s';

const hostSchemas = {
  k8s: z
    .string()
    .regex(kHost, { error: 'expected a lowercase host name such as api.example.com' })
    // The Ingress refuses an IP address as its host ("must be a DNS name, not an IP address").
    .refine((value) => !isIPv4(value), { error: 'expected a host name, not an IP address' }),
  // Only nginx's server_name: an IP address (`server_name 203.0.113.7`) or an uppercase name is valid there.
  compose: serverNameSchema,
} as const;

const recipeSchemas = {
  k8s: deploySchema.extend({ host: hostSchemas.k8s.optional() }),
  compose: deploySchema.extend({ host: hostSchemas.compose.optional() }),
} as const;

/** Deploy options as given: only `app` is required (`hive deploy`'s flags, or an object from code). */
export type DeployInput = z.input<typeof deploySchema>;
/** Deploy options after {@link resolveDeployOptions}: validated, every default filled in, `image` decided. */
export type DeployOptions = z.output<typeof deploySchema> & {
  image: string;
  /**
   * Which of `resources.cpuLimit` and `resources.memoryLimit` the caller gave: the compose recipe sets only those,
   * where Kubernetes gets the defaults too.
   */
  givenLimits: { cpu: boolean; memory: boolean };
};

/**
 * Validates deploy options for `recipe`; throws `ERR_HIVE_DEPLOY_INVALID_OPTION` naming the key. Without a recipe,
 * the options must suit both (the Ingress's rules for `host` are the stricter).
 */
export function resolveDeployOptions(input: DeployInput, recipe: DeployRecipe = 'k8s'): DeployOptions {
  // What no environment can hold (env-variable.ts: a NUL in a value too, which `env`'s schema lets by), checked on the
  // input as given: zod's records strip an own `__proto__` (a JSON-parsed input has one), refused, not dropped.
  for (const field of ['env', 'secretEnv'] as const) {
    const env: unknown = input[field];
    if (typeof env !== 'object' || env === null) continue;
    for (const [name, value] of Object.entries(env)) {
      const problem = envVariableProblem(name, value);
      if (problem === undefined) continue;
      const key = `${field}${envKeySuffix(name)}`;
      const why =
        name === PROTO_ENV_NAME
          ? 'not a variable name the recipes take (a JavaScript object takes it as its prototype)'
          : problem;
      throw new DeployOptionError(key, `${key}: ${why}`);
    }
  }
  const parsed = recipeSchemas[recipe].safeParse(input, { error: issueMessage });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const key = path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const hint = meantKeyHint(recipeSchemas[recipe], issue.path, issue.keys[0] ?? '');
      throw new DeployOptionError(key, `${key}: unknown option${hint}`);
    }
    let value: unknown = input;
    for (const segment of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
    // A secret's value is never repeated: an error may end up in a CI log.
    const got = value === undefined ? 'nothing' : key.startsWith('secretEnv.') ? 'its value' : describeValue(value);
    throw new DeployOptionError(key, `${key}: ${issue.message.replace(/^Invalid input: /, '')}, got ${got}`);
  }
  const options = parsed.data;
  // `--max 1` alone means one pod at most: the default minimum (2) comes down to it, as a default request does.
  if (options.autoscale.min > options.autoscale.max && input.autoscale?.min === undefined) {
    options.autoscale.min = options.autoscale.max;
  }
  if (options.autoscale.min > options.autoscale.max) {
    throw new DeployOptionError(
      'autoscale.min',
      `autoscale.min: ${options.autoscale.min} is above autoscale.max (${options.autoscale.max})`,
    );
  }
  if (options.upstreamTls && options.sticky !== undefined) {
    // The recipe's sticky app hashes on a header (X-Real-IP, the cookie, the header), which hive run's router reads
    // from the request: under the app's own TLS it sees only ciphertext (as hive edge nginx refuses it).
    throw new DeployOptionError(
      'upstreamTls',
      `upstreamTls: an app that serves HTTPS itself cannot be sticky (${options.sticky}) in the recipe: hive run's ` +
        "sticky router reads the key from each request, which the app's TLS hides from it; let the proxy end TLS " +
        '(serve plain HTTP in the container) or drop sticky',
    );
  }
  if (options.tlsSecret !== undefined && options.host === undefined) {
    throw new DeployOptionError('tlsSecret', 'tlsSecret: needs host (the certificate is for a host name)');
  }
  // A defaulted metrics port equal to the app's would read as "the app answers its own probes" (see usesMetricsPort),
  // which an app on 9464 never asked for: its probes would fetch /readyz from the app and get a 404. Only a port
  // given says that; the default moves to the next number.
  if (input.health?.port === undefined && options.health.port === options.port) {
    options.health.port = kMetricsPort + 1;
  }
  checkHealth(options);
  checkLimits(options.resources, input.resources, recipe);
  return {
    ...options,
    resources: fitRequests(options.resources, input.resources),
    image: options.image ?? `${options.app}:latest`,
    givenLimits: { cpu: input.resources?.cpuLimit !== undefined, memory: input.resources?.memoryLimit !== undefined },
  };
}

// Hive's metrics server answers these two paths only: another path there would fail every probe, and the kubelet
// would restart a healthy pod.
const kMetricsPaths = { readiness: '/readyz', liveness: '/healthz' } as const;

function checkHealth(options: z.output<typeof deploySchema>): void {
  if (options.health.port === options.port) return;
  for (const probe of ['readiness', 'liveness'] as const) {
    if (options.health[probe] === kMetricsPaths[probe]) continue;
    throw new DeployOptionError(
      `health.${probe}`,
      `health.${probe}: ${options.health[probe]} is probed on hive run's metrics port (health.port ` +
        `${options.health.port}), which answers ${kMetricsPaths[probe]} there: for a path the app answers itself, ` +
        `set health.port to the app's port (${options.port})`,
    );
  }
}

type Resources = z.output<typeof deploySchema>['resources'];

// Kubernetes refuses a container whose request is above its limit. A limit below a default request (`--cpu-limit
// 250m` against the 500m default) lowers that request to the limit, and a request above a default limit (`cpuRequest:
// '4'` against the default 2) raises that limit to the request: a default gives way to what the caller said. When the
// caller gave both, the pair is theirs to fix.
function fitRequests(resources: Resources, given: DeployInput['resources']): Resources {
  const fitted = { ...resources };
  const pairs = [
    ['cpuRequest', 'cpuLimit', cpuCores],
    ['memoryRequest', 'memoryLimit', memoryBytes],
  ] as const;
  for (const [request, limit, amount] of pairs) {
    if (amount(fitted[request]) <= amount(fitted[limit])) continue;
    if (given?.[request] === undefined) {
      fitted[request] = fitted[limit];
      continue;
    }
    if (given[limit] === undefined) {
      fitted[limit] = fitted[request];
      continue;
    }
    throw new DeployOptionError(
      `resources.${request}`,
      `resources.${request}: ${fitted[request]} is above resources.${limit} (${fitted[limit]}), which Kubernetes ` +
        'refuses: lower the request or raise the limit',
    );
  }
  return fitted;
}

// The least limits either recipe can hold as given, shared so that compose and Kubernetes refuse the same values: both
// read 0 as no limit at all (the app would run unlimited though a limit was asked for, and `-i max` would size the
// cluster from every core of the machine), Docker refuses cpus below 0.01 and a memory limit below 6 MiB, and the
// kubelet raises a CPU quota below 10m to 10m without a word. Only limits the caller gave: the defaults are far above.
const kLeastCpus = 0.01;
const kLeastMemory = 6 * 2 ** 20;

const kLimitReasons: Record<DeployRecipe, { cpu: string; memory: string }> = {
  compose: {
    cpu: "the least Docker takes for compose's cpus (0 would mean no limit): give 10m or more, or no CPU limit",
    memory:
      "the least Docker takes for a container's memory limit (0 would mean no limit): give 6Mi or more, or no " +
      'memory limit',
  },
  k8s: {
    cpu:
      'the least CPU quota the kubelet sets (it raises a smaller one to 10m, and reads 0 as no limit): give 10m or ' +
      'more, or leave the default (2)',
    memory: 'far below what Node.js needs; 0 would mean no limit: give 6Mi or more, or leave the default (512Mi)',
  },
};

/** Throws `ERR_HIVE_DEPLOY_INVALID_OPTION` for a given CPU or memory limit that `recipe` cannot hold as given. */
function checkLimits(resources: Resources, given: DeployInput['resources'], recipe: DeployRecipe): void {
  const reasons = kLimitReasons[recipe];
  if (given?.cpuLimit !== undefined && cpuCores(resources.cpuLimit) < kLeastCpus) {
    throw new DeployOptionError(
      'resources.cpuLimit',
      `resources.cpuLimit: ${resources.cpuLimit} is below 10m (0.01 CPUs), ${reasons.cpu}`,
    );
  }
  if (given?.memoryLimit !== undefined && memoryBytes(resources.memoryLimit) < kLeastMemory) {
    throw new DeployOptionError(
      'resources.memoryLimit',
      `resources.memoryLimit: ${resources.memoryLimit} is below 6Mi, ${reasons.memory}`,
    );
  }
}

/** A valid CPU quantity (`2`, `1.5`, `500m`) in CPUs. */
export function cpuCores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const kMemoryUnits: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A valid memory quantity (`512Mi`, `1G`, `1.5Gi`) in bytes. */
export function memoryBytes(quantity: string): number {
  const [, number = '', unit = ''] = /^([\d.]+)(\D*)$/.exec(quantity) ?? [];
  return Number(number) * (kMemoryUnits[unit] ?? Number.NaN);
}
