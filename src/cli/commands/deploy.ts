import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { writeTemp } from '../../cluster/temp-file.js';
import { daemonDeployInput } from '../../edge/daemon-app-deploy.js';
import type { DeployInput } from '../../edge/deploy-options.js';
import { type DeployTarget, type RecipeFile, renderDeployRecipe } from '../../edge/deploy-recipes.js';
import { deployWarnings, kLockfiles } from '../../edge/deploy-warnings.js';
import {
  DeployFileExistsError,
  DeployOptionError,
  DeployOutDirError,
  DeployPackageJsonError,
} from '../../edge/errors.js';
import { npmWorkspaceRoot } from '../../edge/npm-workspace.js';
import { envFileName } from '../../edge/recipe-env.js';
import { HiveError } from '../../errors.js';
import { parseArgsWithNegatives } from '../../negative-numbers.js';
import { helpHint, parseArgsMessage } from '../../parse-args-message.js';
import { repeatedFlag, repeatedFlagMessage } from '../../repeated-flag.js';
import { daemonAppIfAny, readDaemonDeployApp } from '../daemon-app.js';
import { errorLine } from '../error-line.js';

const usage = `Usage: hive deploy <compose|k8s> [options]

Writes a deploy recipe for one app into --out; run it from the app's directory, the Docker build context. The
files are yours to edit: existing files are never overwritten unless --force is given. With --out elsewhere, the
ignore file is Dockerfile.dockerignore (next to the Dockerfile, where Docker reads it) instead of .dockerignore.

  compose   Dockerfile, .dockerignore, compose.yaml (nginx + app replicas + Redis), nginx.conf
  k8s       Dockerfile, .dockerignore, k8s.yaml (Deployment, Service, Ingress, HorizontalPodAutoscaler,
            PodDisruptionBudget when --min is above 1)
  Both      with --with-env, the app's env values (mode 0600): compose <app>.env (its env_file, KEY=value
            lines), k8s <app>-env.secret.yaml (the Secret <app>-env, applied with k8s.yaml). The ignore file
            lists the recipe's files, so that the image's COPY . . leaves them out

Options:
      --app <name>             app name (default: package.json's name). When the running daemon (of
                               $HIVE_HOME) has an app of that name, the recipe takes it as the daemon runs it:
                               its script, arguments, instances, port, sticky mode, node args, max memory restart,
                               kill timeout, drain idle grace, listen timeout, keep-alive timeout and wait
                               ready, each flag given over it. A fork-mode app of no known port (a background worker) is refused unless --port. Its own env (--env, a
                               config's env; never the shell's) only with --with-env; Hive's own HIVE_* variables,
                               --inspect node args and a NODE_OPTIONS with --inspect never
      --with-env               with --app: write the app's env values into a file of mode 0600: <app>.env,
                               which compose.yaml reads (env_file, raw), or <app>-env.secret.yaml, the
                               Kubernetes Secret <app>-env the pods read; never into compose.yaml or k8s.yaml.
                               Keep that file private
      --script <file>          entry script for \`hive run\` (default: package.json's main, else server.js)
      --port <port>            the app's port (default 3000)
      --instances <n|max>      processes per container (default max: from the CPU limit)
      --replicas <n>           compose replicas (default 2)
      --image <ref>            image reference (default <app>:latest)
      --node <major>           Node.js version of the base image (default 24, the active LTS)
      --no-build               the app has no build step
      --kill-timeout <time>    how long a process may drain before SIGKILL, as hive run takes it: 5s, 500ms,
                               1.5m; a bare number is seconds (default 5s; at most 10m)
      --drain-idle-grace <time>
                               how long a draining process leaves a kept-alive connection idle before closing
                               it, read as --kill-timeout is, 0 allowed (default: hive run's, 1s; at most 10m).
                               compose's nginx keeps an idle upstream connection for half of it at most (500ms),
                               and none under a grace of 100ms
      --listen-timeout <time>  how long a new process may take to become ready, read as --kill-timeout is
                               (default: hive run's, 10s; at most 10m); the probes' start delay covers it
      --keep-alive-timeout <time>
                               how long the app's HTTP servers keep an idle keep-alive connection, read as
                               --kill-timeout is (default: 65s on k8s, above ingress-nginx's 60s
                               upstream-keepalive-timeout; node's 5s in compose, whose nginx keeps 500ms)
      --wait-ready             a process is ready when it calls ready() from hive/runtime (or PM2's
                               process.send('ready')), not when it listens
      --no-treekill            the child processes a retired app process started are left running (PM2's
                               treekill: false; default: stopped with it)
      --sticky <mode>          ip | header:<name> | cookie:<name>
      --no-redis               no Redis service / REDIS_URL
      --health-port <port>     port the probes fetch (default 9464, or 9465 when --port is 9464: \`hive run
                               --metrics-port\`, whose server answers /readyz and /healthz); given equal to
                               --port: the app answers them itself
      --readiness-path <path>  readiness probe path (default /readyz; another only with --health-port = --port)
      --liveness-path <path>   liveness probe path (default /healthz; likewise)
      --host <name>            public host name (Ingress rule, nginx server_name)
      --tls-secret <name>      Ingress TLS secret (needs --host)
      --upstream-tls           the app serves HTTPS itself on --port: compose's nginx and ingress-nginx speak
                               TLS to it (unverified), probes of its own port use HTTPS; not with --sticky
                               (--app takes it from the daemon when the app's server serves HTTPS)
      --publish <port>         host port of nginx in compose (default 8080)
      --namespace <ns>         Kubernetes namespace
      --cpu-limit <q>          container CPU limit, in CPUs or millicores: 2, 1.5, 500m (k8s default 2; compose:
                               none unless given); at least 10m (Docker's minimum, k8s raises less to it), and
                               no finer than 1m (2.555, not 2.5555)
      --memory-limit <q>       container memory limit, in bytes or with a suffix: k, M, G, T, P, E, Ki, Mi, Gi,
                               Ti, Pi, Ei, the number decimal or not (1.5Gi); kilo is a lowercase k (k8s default
                               512Mi; compose: none unless given);
                               at least 6Mi (Docker's minimum; node cannot start in less).
                               A limit below the default k8s request (500m CPU, 256Mi) lowers the request to it
      --min <n> --max <n>      autoscaler bounds (default 2 and 10)
      --out <dir>              where to write (default .: the app's directory)
      --force                  overwrite existing files
  -h, --help                   this help`;

/**
 * \`hive deploy compose|k8s\`: writes a Dockerfile and a compose file or Kubernetes manifests for one app. Every file
 * is rendered before the first is written. Exit codes: 0 written, 1 a file exists or cannot be written, 2 bad input.
 */
export default async function deploy(argv: string[]): Promise<number> {
  let files: RecipeFile[];
  let out: string;
  let force: boolean;
  // The keys the recipe takes from the daemon's app (--app): an error in one of them is not the user's flag.
  const fromDaemon: { app: string; taken: string[] } = { app: '', taken: [] };
  try {
    const parsed = parse(argv);
    if (parsed.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // Never undefined past help: parse() refuses a missing target.
    const target = parsed.target!;
    out = resolve(parsed.out);
    const input = { ...(await daemonInput(parsed, target, fromDaemon)), layout: layoutOf(out) };
    files = renderDeployRecipe(target, input);
    const lockfiles = kLockfiles.filter((name) => existsSync(name));
    const workspace = lockfiles.includes('package-lock.json') ? undefined : npmWorkspaceRoot(process.cwd());
    const app = { dir: process.cwd(), packageJson: parsed.packageJson, lockfiles, workspace };
    for (const warning of deployWarnings(target, input, app)) {
      process.stderr.write(`hive deploy: warning: ${warning}\n`);
    }
    force = parsed.force;
  } catch (error) {
    printError(error, helpHint(error, 'deploy'), fromDaemon);
    // A HIVE_HOME not safe to ask a daemon in: not bad input, and no flag would help (as for hive edge).
    if (error instanceof HiveError && error.code === 'ERR_HIVE_HOME_UNSAFE') return 1;
    return 2;
  }
  try {
    await makeOutDir(out);
    const existing = files.map((file) => join(out, file.path)).filter((path) => existsSync(path));
    if (existing.length > 0 && !force) throw new DeployFileExistsError(existing);
    for (const file of files) {
      const path = join(out, file.path);
      // Created with its mode (the env file's 0600), never readable by others for a moment, under a random name
      // opened exclusively and never through a link: a name guessed from the pid could be planted beforehand (a
      // link, a file left with its own mode, a folder that made the write fail) by anyone who can write `--out`.
      const temp = writeTemp(path, file.content, file.mode ?? 0o666);
      try {
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
      process.stderr.write(`hive deploy: wrote ${path}\n`);
    }
    return 0;
  } catch (error) {
    printError(error);
    return 1;
  }
}

// The app's directory is the current one (its package.json named the app): the recipe's paths to and from it.
function layoutOf(out: string): { recipe: string; context: string } {
  const posixRelative = (from: string, to: string) => relative(from, to).split(sep).join('/') || '.';
  return { recipe: posixRelative(process.cwd(), out), context: posixRelative(out, process.cwd()) };
}

/**
 * The recipe's input: with `--app <name>` of an app the running daemon has, that app as the daemon runs it, the flags
 * over it; else (no daemon, no such app, or no --app) the flags over package.json, as without a daemon. The script
 * is package.json's main only when neither the flags nor the daemon give one. `record` gets the keys taken from the
 * daemon's app, for an error in one of them to be said as the app's.
 */
async function daemonInput(
  parsed: DeployArgs,
  target: DeployTarget,
  record: { app: string; taken: string[] },
): Promise<DeployInput> {
  let input = parsed.input;
  if (parsed.appFlag !== undefined) {
    const name = parsed.appFlag;
    const without = 'the recipe is made of package.json and the flags';
    const app = await daemonAppIfAny(readDaemonDeployApp(name), name, 'deploy', without);
    if (app !== undefined) {
      const fromDaemon = daemonDeployInput(app, input, process.cwd(), target, parsed.withEnv);
      input = fromDaemon.input;
      record.app = name;
      record.taken = fromDaemon.taken;
      // The env's names only: its values may be secrets, which the terminal (or a CI log) need not show.
      const names = (env: Record<string, string> | undefined) => Object.keys(env ?? {}).join(', ');
      const taken = fromDaemon.taken
        .map((key) => {
          if (key === 'env') return `env (${names(input.env)})`;
          if (key !== 'secretEnv') return key;
          return `env into ${envFileName(input.app, target)} (${names(input.secretEnv)})`;
        })
        .join(', ');
      process.stderr.write(`hive deploy: app ${JSON.stringify(name)} as the daemon runs it: ${taken}\n`);
      for (const warning of fromDaemon.warnings) process.stderr.write(`hive deploy: warning: ${warning}\n`);
    }
  }
  if (parsed.withEnv && input.secretEnv === undefined) {
    process.stderr.write('hive deploy: warning: --with-env: no env of an app the daemon runs (--app) to write\n');
  }
  if (input.script === undefined && parsed.main !== undefined) input = { ...input, script: parsed.main };
  return input;
}

/**
 * Makes `out` and any missing parent, one level at a time from the nearest that exists: `mkdir -p` in node loops
 * forever where the kernel answers ENOENT for a parent that is there (under /proc), and a file in the way would
 * surface as a bare EEXIST or ENOTDIR.
 */
async function makeOutDir(out: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = out; ; dir = dirname(dir)) {
    const stats = await stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw new DeployOutDirError(`cannot use ${dir} (${error.message})`, { cause: error });
    });
    if (stats?.isDirectory()) break;
    if (stats !== undefined) throw new DeployOutDirError(`${dir} is a file, not a directory`);
    // The root always exists: reaching it without a directory cannot happen, but must not loop.
    if (dirname(dir) === dir) throw new DeployOutDirError(`cannot create ${out}: ${dir} does not exist`);
    missing.unshift(dir);
  }
  for (const dir of missing) {
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      throw new DeployOutDirError(`cannot create ${dir} (${error.message})`, { cause: error });
    });
  }
}

interface DeployArgs {
  help: boolean;
  target: DeployTarget | undefined;
  /** The flags' input, package.json's name in `app` unless --app: its main is in `main`, not in `script`. */
  input: DeployInput;
  /** `--app`'s value, undefined without the flag. */
  appFlag: string | undefined;
  /** package.json's main, the script unless `--script` or the daemon's app gives one. */
  main: string | undefined;
  /** The app's package.json, undefined when there is none. */
  packageJson: Record<string, unknown> | undefined;
  out: string;
  force: boolean;
  /** `--with-env`: the daemon app's env values into the recipe's env file. */
  withEnv: boolean;
}

const kDeployOptions = {
  app: { type: 'string' },
  script: { type: 'string' },
  port: { type: 'string' },
  instances: { type: 'string' },
  replicas: { type: 'string' },
  image: { type: 'string' },
  node: { type: 'string' },
  'no-build': { type: 'boolean' },
  'kill-timeout': { type: 'string' },
  'drain-idle-grace': { type: 'string' },
  'listen-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'wait-ready': { type: 'boolean' },
  'no-treekill': { type: 'boolean' },
  sticky: { type: 'string' },
  'no-redis': { type: 'boolean' },
  'health-port': { type: 'string' },
  'readiness-path': { type: 'string' },
  'liveness-path': { type: 'string' },
  host: { type: 'string' },
  'tls-secret': { type: 'string' },
  'upstream-tls': { type: 'boolean' },
  publish: { type: 'string' },
  namespace: { type: 'string' },
  'cpu-limit': { type: 'string' },
  'memory-limit': { type: 'string' },
  min: { type: 'string' },
  max: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  'with-env': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse(argv: string[]): DeployArgs {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  let tokens: Parameters<typeof repeatedFlag>[0];
  try {
    ({ values, positionals, tokens } = parseArgsWithNegatives({
      args: argv,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: kDeployOptions,
    }));
  } catch (cause) {
    throw new DeployOptionError('argv', parseArgsMessage(cause, 'deploy', Object.keys(kDeployOptions)));
  }
  // parseArgs keeps a repeated flag's last value (`--port 3000 --port 4000`): refused, as hive run does.
  const repeated = repeatedFlag(tokens, new Set());
  if (repeated !== undefined) throw new DeployOptionError(repeated.name, repeatedFlagMessage(repeated));
  const [target, extra] = positionals;
  if (values.help === true) {
    return {
      help: true,
      target: undefined,
      input: { app: '' },
      appFlag: undefined,
      main: undefined,
      packageJson: undefined,
      out: '.',
      force: false,
      withEnv: false,
    };
  }
  // One line, as every usage error (the whole usage on stderr buried what was missing), and before package.json is
  // read: in a folder with none, or a broken one, `hive deploy` alone was refused for its --app or its package.json.
  if (target === undefined) throw new DeployOptionError('argv', 'missing target (expected compose or k8s)');
  if (target !== 'compose' && target !== 'k8s') {
    throw new DeployOptionError('argv', `unknown target ${JSON.stringify(target)} (expected compose or k8s)`);
  }
  if (extra !== undefined) throw new DeployOptionError('argv', `unexpected argument ${JSON.stringify(extra)}`);
  const str = (name: string) => values[name] as string | undefined;
  const int = (name: string) => {
    const text = str(name);
    if (text === undefined) return undefined;
    // A negative number passes: the schema says what range the flag takes.
    if (!/^-?\d+$/.test(text))
      throw new DeployOptionError(name, `--${name}: expected an integer, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  const packageJson = readPackageJson();
  const pkg = appDefaults(packageJson);
  const input: DeployInput = {
    app: str('app') ?? pkg.name ?? '',
    ...defined('script', str('script')),
    ...defined('port', int('port')),
    ...defined('instances', str('instances') === 'max' ? ('max' as const) : int('instances')),
    ...defined('replicas', int('replicas')),
    ...defined('image', str('image')),
    ...defined('node', int('node')),
    ...defined('build', values['no-build'] === true ? false : undefined),
    ...defined('killTimeout', str('kill-timeout')),
    ...defined('drainIdleGrace', str('drain-idle-grace')),
    ...defined('listenTimeout', str('listen-timeout')),
    ...defined('keepAliveTimeout', str('keep-alive-timeout')),
    ...defined('waitReady', values['wait-ready'] === true ? true : undefined),
    ...defined('treekill', values['no-treekill'] === true ? false : undefined),
    ...defined('sticky', str('sticky')),
    ...defined('redis', values['no-redis'] === true ? false : undefined),
    ...defined('host', str('host')),
    ...defined('tlsSecret', str('tls-secret')),
    ...defined('upstreamTls', values['upstream-tls'] === true ? true : undefined),
    ...defined('publish', int('publish')),
    ...defined('namespace', str('namespace')),
  };
  if (str('cpu-limit') !== undefined || str('memory-limit') !== undefined) {
    input.resources = { ...defined('cpuLimit', str('cpu-limit')), ...defined('memoryLimit', str('memory-limit')) };
  }
  if (str('health-port') !== undefined || str('readiness-path') !== undefined || str('liveness-path') !== undefined) {
    input.health = {
      ...defined('port', int('health-port')),
      ...defined('readiness', str('readiness-path')),
      ...defined('liveness', str('liveness-path')),
    };
  }
  if (str('min') !== undefined || str('max') !== undefined) {
    input.autoscale = { ...defined('min', int('min')), ...defined('max', int('max')) };
  }
  if (input.app === '') throw new DeployOptionError('app', 'app: give --app <name> (no package.json name found)');
  return {
    help: false,
    target: target as DeployTarget | undefined,
    input,
    appFlag: str('app'),
    main: pkg.main,
    packageJson,
    out: str('out') ?? '.',
    force: values.force === true,
    withEnv: values['with-env'] === true,
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// The app's own package.json names the app and its entry point. None at all is fine (--app names the app); one that is
// not a JSON object is refused even then, since the image's npm ci reads it.
function readPackageJson(): Record<string, unknown> | undefined {
  const path = resolve('package.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DeployPackageJsonError(path, `cannot be read (${(error as Error).message})`, { cause: error });
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (error) {
    throw new DeployPackageJsonError(path, `is not valid JSON (${jsonErrorPlace(error as Error, text)})`, {
      cause: error,
    });
  }
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) {
    throw new DeployPackageJsonError(path, 'is not a JSON object');
  }
  return pkg as Record<string, unknown>;
}

/** The app's name and entry point from its package.json; npm scopes are not valid Kubernetes names. */
function appDefaults(pkg: Record<string, unknown> | undefined): { name?: string; main?: string } {
  const { name, main } = pkg ?? {};
  return {
    ...(typeof name === 'string' && { name: name.replace(/^@[^/]+\//, '').toLowerCase() }),
    ...(typeof main === 'string' && { main: main.replace(/^\.\//, '') }),
  };
}

// Node 20's JSON.parse says only "at position N": the line and column are what an editor goes to.
function jsonErrorPlace(error: Error, text: string): string {
  const position = /at position (\d+)/.exec(error.message);
  if (position === null || /\bline \d+/.test(error.message)) return error.message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${error.message}, line ${line} column ${column}`;
}

// Option keys whose flag is spelled differently, so errors name what the user typed.
const kFlags: Record<string, string> = {
  app: '--app',
  script: '--script',
  port: '--port',
  instances: '--instances',
  replicas: '--replicas',
  image: '--image',
  node: '--node',
  killTimeout: '--kill-timeout',
  drainIdleGrace: '--drain-idle-grace',
  listenTimeout: '--listen-timeout',
  keepAliveTimeout: '--keep-alive-timeout',
  waitReady: '--wait-ready',
  treekill: '--no-treekill',
  sticky: '--sticky',
  host: '--host',
  tlsSecret: '--tls-secret',
  upstreamTls: '--upstream-tls',
  publish: '--publish',
  namespace: '--namespace',
  'resources.cpuLimit': '--cpu-limit',
  'resources.memoryLimit': '--memory-limit',
  'health.port': '--health-port',
  'health.readiness': '--readiness-path',
  'health.liveness': '--liveness-path',
  'autoscale.min': '--min',
  'autoscale.max': '--max',
};

/**
 * Writes `hive deploy: CODE: message`, naming the flag, and for a usage error `hint` at its end. A value the recipe took
 * from the daemon's app (`fromDaemon`) is said to be the app's, with the flag that sets the recipe's own.
 */
function printError(error: unknown, hint = '', fromDaemon?: { app: string; taken: string[] }): void {
  const key = error instanceof DeployOptionError ? error.key : undefined;
  if (key !== undefined && fromDaemon?.taken.includes(key.split('.')[0]!)) {
    const flag = kFlags[key] ?? kFlags[key.split('.')[0]!];
    const own = flag === undefined ? '' : `; give ${flag} for the recipe's own`;
    const message = `app ${JSON.stringify(fromDaemon.app)} as the daemon runs it: ${(error as Error).message}${own}`;
    process.stderr.write(errorLine('deploy', error, message, ''));
  } else if (
    error instanceof DeployOptionError &&
    kFlags[error.key] !== undefined &&
    error.message.startsWith(`${error.key}:`)
  ) {
    const message = `${kFlags[error.key]} (${error.key})${error.message.slice(error.key.length)}`;
    process.stderr.write(errorLine('deploy', error, message, hint));
  } else process.stderr.write(errorLine('deploy', error, undefined, error instanceof HiveError ? hint : ''));
}
