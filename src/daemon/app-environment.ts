import { InvalidArgumentError } from '../errors.js';
import { checkPoolThreadsEnv, POOL_THREADS_ENV } from '../pool/sizing.js';
import { filterShellEnv } from './filter-env.js';
import type { AppSpec } from './protocol.js';

type AppEnvSpec = Pick<AppSpec, 'shellEnv' | 'env' | 'filterEnv'>;

/**
 * The environment an app's processes are started in: the shell's it took (`hive start`'s, or the last
 * `--update-env`'s; the daemon's own for an app of an older dump), less what its filterEnv drops, its own `env` over
 * it.
 */
export function appEnvironment({ shellEnv, env, filterEnv }: AppEnvSpec): NodeJS.ProcessEnv {
  return { ...filterShellEnv(shellEnv ?? process.env, filterEnv), ...env };
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
