/**
 * What a deploy recipe cannot check by itself and would fail on later, at build or at start: said as warnings when it
 * is written, since the files are still worth having (the user may fix the app before building).
 */
import { killTimeoutWarning } from '../cluster/option-checks.js';
import { composeKeepalive } from './compose-file.js';
import {
  cpuCores,
  type DeployInput,
  type DeployOptions,
  type DeployRecipe,
  memoryBytes,
  resolveDeployOptions,
} from './deploy-options.js';
import { containerEnv, durationArg } from './dockerfile.js';
import { DEFAULT_DRAIN_IDLE_GRACE_MS, noKeepaliveWarning } from './drain-keepalive.js';
import { rangeTakesMajor } from './node-engines.js';
import type { NpmWorkspaceRoot } from './npm-workspace.js';

/** What `hive deploy` found in the app's directory (the build context). */
export interface AppDirectory {
  /** The directory, as the warnings name it. */
  dir: string;
  /** package.json as parsed, or undefined when there is none. */
  packageJson: Record<string, unknown> | undefined;
  /** Which lockfiles exist there: any of {@link kLockfiles}. */
  lockfiles: readonly string[];
  /** The npm workspace root that lists the directory, with its lockfile (npmWorkspaceRoot), if any. */
  workspace?: NpmWorkspaceRoot | undefined;
}

/** The lockfiles looked for: npm's, which the Dockerfile needs, and the others, to name one found instead. */
export const kLockfiles = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
];

/** The warnings for a recipe of `input`, and of the app in `app` when given; none when all is as the recipe expects. */
export function deployWarnings(recipe: DeployRecipe, input: DeployInput, app?: AppDirectory): string[] {
  const options = resolveDeployOptions(input, recipe);
  const warnings: string[] = [];
  if (app !== undefined) warnings.push(...appWarnings(app, options), ...engineWarnings(app, options));
  // hive run -i max starts one process per CPU of the limit, rounded up (available-cores.ts): more share its quota,
  // and the kernel throttles them all, so each request gets slower while no more are served.
  const limited = recipe === 'k8s' || options.givenLimits.cpu;
  if (limited && typeof options.instances === 'number') {
    const cpus = cpuCores(options.resources.cpuLimit);
    const most = Math.max(1, Math.ceil(cpus));
    if (options.instances > most) {
      const limit = options.givenLimits.cpu
        ? `--cpu-limit ${options.resources.cpuLimit} (${cpus} CPUs)`
        : `the default CPU limit of ${cpus} CPUs (--cpu-limit)`;
      warnings.push(
        `--instances ${options.instances} (instances) is more processes than the CPU limit gives: with ${limit}, ` +
          `-i max would start ${most}; the others share that quota and the kernel throttles them all, so requests ` +
          'get slower rather than more served. Give --instances max, or raise --cpu-limit',
      );
    }
  }
  warnings.push(...otherRecipeWarnings(recipe, input));
  // kubernetes-manifests.ts gives a sticky app one process per pod; more, asked for, mix the ingress's clients.
  if (recipe === 'k8s' && options.sticky !== undefined && options.instances !== undefined && options.instances !== 1) {
    warnings.push(
      `--instances ${options.instances} (instances) with --sticky ${options.sticky}: ingress-nginx shares its ` +
        "kept-alive connections to a pod between clients, and Hive's sticky router places connections, not " +
        "requests, so clients would land on each other's processes; the recipe runs a sticky app one process per " +
        'pod, scaled by pods, unless --instances says otherwise',
    );
  }
  // hive run in the container says it at every start, in a log nobody reads before the first SIGKILL'd drain.
  const drainIdleGrace =
    options.drainIdleGrace === undefined ? DEFAULT_DRAIN_IDLE_GRACE_MS : options.drainIdleGrace * 1000;
  const drain = killTimeoutWarning(Math.round(options.killTimeout * 1000), drainIdleGrace);
  if (drain !== undefined) warnings.push(drain);
  const memory = memoryWarning(recipe, options);
  if (memory !== undefined) warnings.push(memory);
  // A sticky app's nginx keeps no upstream connection anyway: nothing is lost there.
  const keepalive = recipe === 'compose' && options.sticky === undefined ? composeKeepalive(options) : undefined;
  if (keepalive !== undefined && 'keepalive' in keepalive) {
    const grace = `--drain-idle-grace (drainIdleGrace) ${durationArg(options.drainIdleGrace!)}`;
    warnings.push(noKeepaliveWarning(grace, "the compose recipe's nginx"));
  }
  // The app's own value of a variable the recipe sets would be lost without a word (NODE_ENV=development, a REDIS_URL
  // of the machine it ran on).
  const recipeEnv = containerEnv(options);
  for (const [name, value] of [...Object.entries(options.env), ...Object.entries(options.secretEnv)]) {
    // Own keys only: `in` would take a variable named `constructor` or `toString` for one the recipe sets.
    if (Object.hasOwn(recipeEnv, name) && recipeEnv[name] !== value) {
      // The app's value is not repeated: a REDIS_URL may hold a password.
      warnings.push(
        `env ${name}: the recipe sets ${name}=${recipeEnv[name]} itself, which the container gets instead of the ` +
          "app's value; edit the recipe to keep the app's",
      );
    }
  }
  return warnings;
}

// Options only one recipe reads: given to the other, they would be dropped without a word (`compose --namespace`).
const kRecipeOnly: readonly { key: keyof DeployInput; flag: string; recipe: DeployRecipe; use: string }[] = [
  { key: 'replicas', flag: '--replicas', recipe: 'compose', use: 'the autoscaler owns the pod count: --min, --max' },
  { key: 'publish', flag: '--publish', recipe: 'compose', use: 'the Ingress takes the traffic' },
  { key: 'tlsSecret', flag: '--tls-secret', recipe: 'k8s', use: 'its nginx serves plain HTTP; put TLS in front' },
  { key: 'namespace', flag: '--namespace', recipe: 'k8s', use: 'compose has no namespaces' },
  { key: 'autoscale', flag: '--min/--max', recipe: 'k8s', use: 'scale with --replicas' },
];

function otherRecipeWarnings(recipe: DeployRecipe, input: DeployInput): string[] {
  return kRecipeOnly
    .filter((option) => option.recipe !== recipe && input[option.key] !== undefined)
    .map(
      (option) =>
        `${option.flag} (${option.key}) is for hive deploy ${option.recipe}: the ${recipe} recipe leaves it out ` +
        `(${option.use})`,
    );
}

function appWarnings({ dir, packageJson, lockfiles, workspace }: AppDirectory, options: DeployOptions): string[] {
  if (packageJson === undefined) {
    return [
      `no package.json in ${dir}: the Dockerfile copies package.json and package-lock.json from the app's directory ` +
        '(the build context); run hive deploy there',
    ];
  }
  const warnings: string[] = [];
  const has = (field: string) => {
    const deps = packageJson[field];
    return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'hive');
  };
  // The image's ENTRYPOINT is node_modules/hive/dist/cli/hive.js, from the production install (npm prune --omit=dev).
  if (!has('dependencies') && !has('optionalDependencies')) {
    warnings.push(
      has('devDependencies')
        ? 'hive is in devDependencies only: the image keeps the production dependencies (npm prune --omit=dev), not it, and ' +
            'its ENTRYPOINT (node_modules/hive/dist/cli/hive.js) would not be found at start; move hive to dependencies'
        : "hive is not in package.json's dependencies: the image's ENTRYPOINT runs node_modules/hive/dist/cli/" +
            'hive.js from its production install; add hive to dependencies',
    );
  }
  if (!lockfiles.includes('package-lock.json') && workspace !== undefined) {
    // npm install here writes the root's lockfile, never one here: the advice below would not help.
    warnings.push(
      `no package-lock.json in ${dir}: it is a workspace of ${workspace.root}, whose lockfile ${workspace.lockfile} ` +
        "is outside the build context (the app's directory), and the Dockerfile's npm ci needs one in it: run hive " +
        `deploy in ${workspace.root} with --script ${workspace.path}/${options.script} (the whole workspace as the ` +
        'build context)',
    );
  } else if (!lockfiles.includes('package-lock.json')) {
    const other = lockfiles.filter((name) => name !== 'package-lock.json');
    warnings.push(
      `no package-lock.json in ${dir}: the Dockerfile copies it and runs npm ci, which needs it; run npm install ` +
        `to write one${other.length > 0 ? ` (found ${other.join(', ')}: adapt the Dockerfile to that package manager)` : ''}`,
    );
  }
  return warnings;
}

/**
 * A `maxMemoryRestart` (the daemon app's max memory restart, in bytes per process) that the container's memory limit,
 * shared by all its processes, never lets them reach: the kernel OOM-kills in the container (on Kubernetes with cgroup
 * v2, every process of it at once) before hive run replaces a process, a crash instead of a graceful restart.
 */
function memoryWarning(recipe: DeployRecipe, options: DeployOptions): string | undefined {
  const { maxMemoryRestart } = options;
  const limited = recipe === 'k8s' || options.givenLimits.memory;
  if (maxMemoryRestart === undefined || !limited) return undefined;
  // The processes of one container, as kubernetes-manifests.ts and hive run -i max count them; with no CPU limit
  // (compose without --cpu-limit) at least one.
  const sticky = recipe === 'k8s' && options.sticky !== undefined;
  const instances = options.instances ?? (sticky ? 1 : 'max');
  const cpuLimited = recipe === 'k8s' || options.givenLimits.cpu;
  const processes =
    typeof instances === 'number'
      ? instances
      : cpuLimited
        ? Math.max(1, Math.ceil(cpuCores(options.resources.cpuLimit)))
        : 1;
  const limit = memoryBytes(options.resources.memoryLimit);
  if (maxMemoryRestart * processes < limit) return undefined;
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  const given = options.givenLimits.memory ? '--memory-limit' : 'the default --memory-limit';
  const count = processes === 1 ? 'its one process' : `the ${processes} processes of a container`;
  return (
    `hive run's --max-memory-restart (the app's max memory restart, ${mib(maxMemoryRestart)} a process) for ` +
    `${count} is not below ${given} ${options.resources.memoryLimit} (${mib(limit)}, for the whole container): ` +
    "the kernel's OOM killer steps in first, SIGKILL with no drain (on Kubernetes with cgroup v2, every process of " +
    `the container at once), before hive run can replace a process gracefully. Lower the app's max memory restart ` +
    `below ${mib(limit / processes)}, or raise --memory-limit`
  );
}

// The image is node:<major>-bookworm-slim (--node, default the newest LTS): an app whose engines.node leaves that major
// out (a "20.x" pinned when it was written) would run in production on a Node.js it was never tested on, and npm ci
// only prints EBADENGINE about it in the build's log.
function engineWarnings({ packageJson }: AppDirectory, options: DeployOptions): string[] {
  const engines = packageJson?.engines;
  const range = typeof engines === 'object' && engines !== null ? (engines as Record<string, unknown>).node : undefined;
  if (typeof range !== 'string' || rangeTakesMajor(range, options.node) !== false) return [];
  return [
    `package.json's engines.node (${JSON.stringify(range)}) does not take Node.js ${options.node}, the image's ` +
      `(node:${options.node}-bookworm-slim, --node): the app would run on a Node.js it does not declare; pass --node ` +
      'with a major version it takes, or update engines.node',
  ];
}
