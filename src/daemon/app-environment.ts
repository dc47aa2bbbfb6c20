import { withoutAppHiddenEnv } from '../cluster/app-hidden-env.js';
import { assertInstanceVars } from '../cluster/instance-vars.js';
import { parseStickyMode, stickyModeProblem } from '../cluster/sticky-mode.js';
import { InvalidArgumentError } from '../errors.js';
import { checkPoolThreadsEnv, POOL_THREADS_ENV } from '../pool/sizing.js';
import { filterShellEnv } from './filter-env.js';
import type { AppSpec } from './protocol.js';
import { runArgFlag } from './run-arg-flag.js';

type AppEnvSpec = Pick<AppSpec, 'shellEnv' | 'env' | 'filterEnv'>;

/**
 * The environment an app's processes are started in: the shell's it took (`hive start`'s, or the last
 * `--update-env`'s; the daemon's own for an app of an older dump), less what its filterEnv drops, its own `env` over
 * it, less what Hive hands no app (a shell that exported HIVE_DASHBOARD_TOKEN for `hive dashboard`).
 */
export function appEnvironment({ shellEnv, env, filterEnv }: AppEnvSpec): NodeJS.ProcessEnv {
  return withoutAppHiddenEnv({ ...filterShellEnv(shellEnv ?? process.env, filterEnv), ...env });
}

/**
 * Whether the config file gives the app an env of its own (`env`, or `env_<name>` of `--env`, with a variable): the
 * variables Hive added to the spec's `env` (`addedEnv`) do not count. One with none takes the shell's environment of
 * each start, restart or reload of the file, as PM2 7 (which drops an empty `env` before it would replace the
 * process's); one with an env keeps the environment it was started in unless `--update-env`.
 */
export function hasOwnEnv({ env, addedEnv }: Pick<AppSpec, 'env' | 'addedEnv'>): boolean {
  return Object.keys(env).some((name) => addedEnv === undefined || !addedEnv.includes(name));
}

/** Where an app's variable came from, for the error: its own `env` (`--env`, a config file's) or the shell's. */
export interface EnvSources {
  env: string;
  shellEnv: string;
}

const DAEMON_SOURCES: EnvSources = { env: "from the app's env", shellEnv: "from the shell's environment" };

/**
 * Refuses a HIVE_POOL_THREADS that is not a positive integer in the environment a cluster app is to be started (or
 * reloaded) in, as a bad --threads is refused: its first pool() would throw, a crash loop rather than a refused
 * command. `spec` is the app as it will run: the CLI checks what it knows before asking the daemon (exit 2, nothing
 * done), and the daemon, which alone knows which environment an app keeps, checks every start, restart and reload
 * that gives one before it stops or replaces anything. A fork-mode app run by Hive's Node (`fork.hiveNode`: a .js/.ts
 * script, `-x` or `--interpreter node`) is checked too, since it may import hive/runtime and size its pool(); any
 * other program (python3, a binary, a Node the user named) is its own business.
 */
export function checkAppPoolThreads(
  spec: AppEnvSpec & Pick<AppSpec, 'name' | 'fork'>,
  sources: EnvSources = DAEMON_SOURCES,
): void {
  if (spec.fork !== undefined && spec.fork.hiveNode === undefined) return;
  const source = Object.hasOwn(spec.env, POOL_THREADS_ENV) ? sources.env : sources.shellEnv;
  try {
    checkPoolThreadsEnv(appEnvironment(spec)[POOL_THREADS_ENV], source);
  } catch (error) {
    throw new InvalidArgumentError(`app ${JSON.stringify(spec.name)}: ${(error as Error).message}`);
  }
}

/**
 * Refuses a HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR that names no variable (or HIVE_INCREMENT_VAR=PORT for a sticky
 * app) in the environment a running app is to be moved to (`--update-env`), with the error its primary's start gives
 * (cluster/instance-vars.ts, ERR_HIVE_INVALID_ARGUMENT), the app named: a primary checks only as it starts, so a
 * reload went on with an unusable variable (a cluster's processes got `A=B` as a variable name, a fork-mode app's
 * `A` set to `B=0`), and a restart stopped the app before its start was refused. Checked by the daemon before it stops
 * or replaces anything; a start is left to the primary, which refuses it as it starts (the app is not running then).
 */
export function checkAppInstanceVars(spec: AppEnvSpec & Pick<AppSpec, 'name' | 'fork' | 'runArgs'>): void {
  const env = appEnvironment(spec);
  // A sticky mode the primary would refuse is its own error, given at its start.
  const sticky = spec.fork ? undefined : runArgFlag(spec.runArgs, 'sticky');
  const mode = sticky !== undefined && stickyModeProblem(sticky) === undefined ? parseStickyMode(sticky) : undefined;
  try {
    assertInstanceVars((name) => env[name], mode);
  } catch (error) {
    throw new InvalidArgumentError(`app ${JSON.stringify(spec.name)}: ${(error as Error).message}`);
  }
}
