/**
 * `hive deploy <compose|k8s> --app <name>` with a daemon that runs the app: the recipe's input from what the daemon
 * says of it (script, arguments, instances, port, env...), with the flags over it. Reading the daemon is the CLI's
 * (cli/daemon-app.ts, as for `hive edge nginx --app`); this module only decides.
 */
import { basename, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { servedPort } from '../cluster/served-port.js';
import { recipeEnvOf } from './daemon-app-env.js';
import type { DeployInput, DeployRecipe } from './deploy-options.js';
import { DEFAULT_DRAIN_IDLE_GRACE_MS } from './drain-keepalive.js';
import { DeployOptionError } from './errors.js';
import { withoutInspector } from './inspector-ports.js';
import { envFileName } from './recipe-env.js';

/** `hive run`'s listen timeout when none is given (cluster/options.ts): the recipe writes only another. */
const DEFAULT_LISTEN_TIMEOUT_MS = 10_000;

/** One app as the daemon runs it: what of it a deploy recipe holds. */
export interface DaemonDeployApp {
  name: string;
  /** Its entry script, absolute. */
  script: string;
  /** The directory its processes run in. */
  cwd: string;
  /** The script's own arguments. */
  args: string[];
  /** The instance count it was started with (`max`, `0`, `-1`, `4`). */
  instances: string;
  /** The port it was given (`--port`, else the PORT of its own env, or with increment_var PORT); null without one. */
  port: number | null;
  /** The PORT of the environment it inherited (the shell's) when none is given: only preferred; null: none. */
  inheritedPort: number | null;
  /**
   * The TCP ports its processes listen on now: its servers', as the runtime in each ready worker reported them, else
   * what the system tells (Hive's metrics port and an inspector's left out); empty when none is known.
   */
  listened: number[];
  /**
   * The protocol each of its servers speaks where the runtime reported it with its listen (runtime/protocol.ts's
   * `ServerKind`: `http`, `h2c`...); absent or empty from an older runtime, primary or daemon.
   */
  listenKinds?: { port: number; kind: string }[];
  /** PM2's `increment_var` PORT: each instance on `port` plus its instance number. */
  portPerInstance: boolean;
  sticky: string | null;
  nodeArgs: string[];
  /** Bytes; null: no limit. */
  maxMemoryRestart: number | null;
  /** Milliseconds. */
  killTimeout: number;
  /** Milliseconds (`--drain-idle-grace`); null: none (fork mode, or a daemon that does not say). */
  drainIdleGrace: number | null;
  /** Milliseconds (`--listen-timeout`, PM2's listen_timeout); null: hive run's default (a daemon that does not say). */
  listenTimeout: number | null;
  /** Milliseconds (`--keep-alive-timeout`); null: node's default (none given, fork mode, a daemon that does not say). */
  keepAliveTimeout: number | null;
  /** `--wait-ready` (PM2's wait_ready): ready when it calls ready(), not when it listens. */
  waitReady: boolean;
  /** false: `--no-treekill` (PM2's treekill: false), a retired process's own children are left running. */
  treekill: boolean;
  /**
   * Its own env only (`--env`, a config file's `env`): never the shell's it was started from, nor the daemon's, whose
   * variables may be any secret of the user's and have no place in a recipe.
   */
  env: Record<string, string>;
  /** A fork-mode app's program (node, python3...); null in cluster mode. */
  command: string | null;
}

/** The recipe's input and what was taken from the daemon, for the CLI to say. */
export interface DaemonDeployInput {
  input: DeployInput;
  /** The input keys that came from the daemon, in the order the recipe's flags list them. */
  taken: string[];
  /** What the recipe cannot hold as the daemon runs the app, said as warnings. */
  warnings: string[];
}

/**
 * `flags` (the command line's input: only what was given) over `app` as the daemon runs it, for `recipe`. The recipe
 * runs the app with `hive run` in the image's /app, which holds `contextDir` (the Docker build context): the script is
 * taken relative to it. The app's env values are taken only `withEnv` (`--with-env`), as `secretEnv`. Throws
 * `ERR_HIVE_DEPLOY_INVALID_OPTION` (key `app`) for an app the recipe cannot run: a program other than node, a fork-mode
 * app of no known port unless `--port` gives one, or a script outside the context, unless `--script` names one.
 */
export function daemonDeployInput(
  app: DaemonDeployApp,
  flags: DeployInput,
  contextDir: string,
  recipe: DeployRecipe,
  withEnv = false,
): DaemonDeployInput {
  const warnings: string[] = [];
  const quoted = JSON.stringify(app.name);
  if (app.command !== null && !/^node(\.exe)?$/.test(basename(app.command))) {
    throw new DeployOptionError(
      'app',
      `app: the daemon runs ${quoted} as a fork-mode program (${app.command}), which \`hive run\` in a recipe's ` +
        'container cannot run: give --app another name to write a recipe from package.json and the flags',
    );
  }
  const served = servedPort({ given: app.port, inherited: app.inheritedPort, listened: app.listened });
  if (app.command !== null) {
    // A background worker forked by the daemon listens on nothing, and hive run in the container would fail each start
    // waiting for it to (ERR_HIVE_WORKER_NOT_READY), restarting for ever: refused rather than written to loop.
    if (flags.port === undefined && served === undefined && app.listened.length === 0) {
      throw new DeployOptionError(
        'app',
        `app: the daemon runs ${quoted} in fork mode, and knows no port it listens on (none given, no PORT, none ` +
          "listened on). The recipe runs the app under `hive run`, a web service behind the recipe's proxy with " +
          'health checks, which waits for each process to listen on its port and restarts it otherwise: give --port ' +
          'if it does serve one (a background worker has no place in this recipe)',
      );
    }
    warnings.push(
      `the daemon runs ${quoted} in fork mode (a single ${basename(app.command)} process); the recipe runs it ` +
        'under `hive run`, as the worker processes of a cluster sharing its port',
    );
  }
  const fromDaemon: Partial<DeployInput> = {};
  if (flags.script === undefined) {
    const script = relative(contextDir, app.script).split(sep).join('/');
    if (isAbsolute(script) || script === '..' || script.startsWith('../')) {
      throw new DeployOptionError(
        'app',
        `app: the daemon runs ${quoted} from ${app.script}, outside ${contextDir} (the Docker build context, the ` +
          "image's /app): run hive deploy in the app's directory, or give --script",
      );
    }
    fromDaemon.script = posix.normalize(script);
  }
  if (resolve(app.cwd) !== resolve(contextDir)) {
    warnings.push(
      `the daemon runs ${quoted} in ${app.cwd}; in the container it runs in /app, the build context (${contextDir}): ` +
        'paths the app reads relative to its working directory may differ',
    );
  }
  if (app.args.length > 0) fromDaemon.args = app.args;
  const instances = instanceCount(app.instances);
  if (recipe === 'k8s' && app.sticky !== null) {
    // The manifest's own count for a sticky app (kubernetes-manifests.ts): one process per pod, scaled by pods.
    if (instances !== 1) {
      warnings.push(
        `the daemon runs ${quoted} with --instances ${app.instances} and --sticky ${app.sticky}; the k8s recipe runs a ` +
          'sticky app one process per pod, scaled by pods (ingress-nginx shares its kept-alive connections between ' +
          "clients, and Hive's sticky router places connections, not requests): --instances says otherwise",
      );
    }
  } else if (instances !== undefined) fromDaemon.instances = instances;
  else {
    warnings.push(
      `the daemon runs ${quoted} with --instances ${app.instances}, which the recipe does not take: it runs -i max ` +
        '(one process per CPU of the container limit) unless --instances says otherwise',
    );
  }
  if (served !== undefined) fromDaemon.port = served.port;
  if (flags.port === undefined) warnings.push(...portWarnings(quoted, app, served));
  if (app.portPerInstance) {
    const port = flags.port ?? app.port;
    warnings.push(
      `the daemon runs ${quoted} with increment_var PORT (each instance on a port of its own); the recipe runs one ` +
        `port per container: its instances share the one port (--port${port === null ? '' : ` ${port}`}, hive ` +
        "run's cluster), and more containers (replicas, pods) behind the recipe's proxy take more traffic",
    );
  }
  warnings.push(...http2Warnings(quoted, app, recipe));
  const tls = upstreamTlsOf(quoted, app, flags, flags.port ?? served?.port, recipe);
  if (tls.take) fromDaemon.upstreamTls = true;
  warnings.push(...tls.warnings);
  if (app.sticky !== null) fromDaemon.sticky = app.sticky;
  const { kept, dropped } = withoutInspector(app.nodeArgs);
  if (dropped.length > 0) {
    warnings.push(
      `the daemon runs ${quoted} with ${dropped.join(' ')} in its node args: a debugger's port in production lets ` +
        "whoever reaches it run code in the app: left out of the recipe's --node-args",
    );
  }
  if (kept.length > 0) fromDaemon.nodeArgs = kept;
  if (app.maxMemoryRestart !== null) fromDaemon.maxMemoryRestart = app.maxMemoryRestart;
  fromDaemon.killTimeout = app.killTimeout / 1000;
  // hive run's default goes without saying: the recipe's command line shows only what the daemon's app changed.
  if (app.drainIdleGrace !== null && app.drainIdleGrace !== DEFAULT_DRAIN_IDLE_GRACE_MS) {
    fromDaemon.drainIdleGrace = app.drainIdleGrace / 1000;
  }
  // An app slow to listen under the daemon would fail every start of hive run's default in the container.
  if (app.listenTimeout !== null && app.listenTimeout !== DEFAULT_LISTEN_TIMEOUT_MS) {
    fromDaemon.listenTimeout = app.listenTimeout / 1000;
  }
  if (app.keepAliveTimeout !== null) fromDaemon.keepAliveTimeout = app.keepAliveTimeout / 1000;
  if (app.waitReady) fromDaemon.waitReady = true;
  if (!app.treekill) fromDaemon.treekill = false;
  const env = recipeEnvOf(quoted, app.env, withEnv, envFileName(flags.app, recipe));
  warnings.push(...env.warnings);
  if (Object.keys(env.env).length > 0) fromDaemon.env = env.env;
  if (Object.keys(env.secretEnv).length > 0) fromDaemon.secretEnv = env.secretEnv;
  const given = new Set(Object.keys(flags).filter((key) => flags[key as keyof DeployInput] !== undefined));
  const taken = Object.keys(fromDaemon).filter((key) => !given.has(key));
  return { input: { ...fromDaemon, ...flags }, taken, warnings };
}

// The port taken from where the app listens is right; one taken from an inherited PORT, or none taken among several
// listened on, may not be: said, with --port to fix it.
function portWarnings(quoted: string, app: DaemonDeployApp, served: ReturnType<typeof servedPort>): string[] {
  if (served?.source === 'inherited') {
    return [
      `the daemon runs ${quoted} with PORT ${served.port} only inherited from the environment it was started in (not ` +
        '--port or its env), and no process of it is known to listen: the recipe takes port ' +
        `${served.port}; where the app listens on a port of its own, give --port`,
    ];
  }
  const ports = [...new Set(app.listened)];
  if (served === undefined && ports.length > 1) {
    return [
      `the daemon runs ${quoted} with no port given, and its processes listen on ports ${ports.join(', ')}: the ` +
        "recipe takes none of them (its default, 3000): give --port with the app's",
    ];
  }
  return [];
}

// The recipe's proxy (nginx, ingress-nginx) speaks HTTP/1.x to the app: an app server that speaks
// HTTP/2 only (h2c, or h2 over TLS without allowHTTP1) fails every request. Said, as the recipe is the user's to edit
// (a gRPC service behind ingress-nginx's backend-protocol GRPC): `hive edge nginx --app` refuses the same app
// (ERR_HIVE_EDGE_APP_HTTP2).
function http2Warnings(quoted: string, app: DaemonDeployApp, recipe: DeployRecipe): string[] {
  const proxy = recipe === 'k8s' ? 'ingress-nginx' : "the recipe's nginx";
  const ports = new Map<number, string>();
  for (const { port, kind } of app.listenKinds ?? []) if (kind === 'h2c' || kind === 'h2') ports.set(port, kind);
  return [...ports].map(
    ([port, kind]) =>
      `the daemon runs ${quoted} with its server on port ${port} speaking HTTP/2 only (${kind === 'h2c' ? 'h2c, http2.createServer()' : 'http2.createSecureServer() without allowHTTP1'}): ` +
      `${proxy} speaks HTTP/1.x to it, and every request would fail: serve HTTP/1.1 there ` +
      '(http.createServer(), or http2.createSecureServer({ allowHTTP1: true }) with --upstream-tls)',
  );
}

// The recipe's proxy speaks plain HTTP to the app unless --upstream-tls: to an app serving HTTPS every request would
// fail, as would TLS to one serving plain HTTP. Without the flag, an app whose every known listen on the recipe's port
// (any, for a sticky app: its servers sit behind its router) serves HTTPS (node:https, or a secure HTTP/2 server with
// allowHTTP1) gets it, but a sticky one, which the recipe refuses it for (deploy-options.ts): said instead. The flag
// over a listen known as plain HTTP is said, not refused: the recipe is the user's, and the container's build of the
// app may serve otherwise.
function upstreamTlsOf(
  quoted: string,
  app: DaemonDeployApp,
  flags: DeployInput,
  port: number | undefined,
  recipe: DeployRecipe,
): { take: boolean; warnings: string[] } {
  const sticky = flags.sticky ?? app.sticky ?? undefined;
  const kinds = (app.listenKinds ?? []).filter((l) => sticky !== undefined || l.port === port);
  const proxy = recipe === 'k8s' ? 'ingress-nginx' : "the recipe's nginx";
  if (flags.upstreamTls !== undefined) {
    const plain = flags.upstreamTls ? kinds.find((l) => l.kind === 'http') : undefined;
    if (plain === undefined) return { take: false, warnings: [] };
    return {
      take: false,
      warnings: [
        `the daemon runs ${quoted} with its server on port ${plain.port} serving plain HTTP (http.createServer()), ` +
          `and --upstream-tls has ${proxy} connect to it with TLS: every request would fail (502): drop ` +
          '--upstream-tls, or serve HTTPS there',
      ],
    };
  }
  if (kinds.length === 0 || !kinds.every((l) => l.kind === 'https' || l.kind === 'h2-http1')) {
    return { take: false, warnings: [] };
  }
  if (sticky === undefined) return { take: true, warnings: [] };
  return {
    take: false,
    warnings: [
      `the daemon runs ${quoted} with its server on port ${kinds[0]!.port} serving HTTPS, and sticky (${sticky}): ` +
        "the recipe cannot take --upstream-tls for a sticky app (hive run's sticky router reads the key from each " +
        `request, which the app's TLS hides), so ${proxy} speaks plain HTTP to it and every request would fail: ` +
        'serve plain HTTP in the container (the proxy ends TLS), or drop sticky and give --upstream-tls',
    ],
  };
}

// `hive run -i`: `max` and 0 are both every CPU; -1 (every CPU but one) is not a recipe's input.
function instanceCount(instances: string): 'max' | number | undefined {
  if (instances === 'max' || instances === '0') return 'max';
  return /^[1-9]\d*$/.test(instances) ? Number(instances) : undefined;
}
