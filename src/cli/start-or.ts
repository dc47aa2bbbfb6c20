import type { StartOr } from './commands/start.js';

const usages = {
  startOrReload: `Usage: hive startOrReload <config> [--only <names>] [--env <name>] [--threads <n>] [-a|--update-env] [--json]

PM2's startOrReload (startOrGracefulReload is the same command): of the config file's apps, those running are reloaded
(hive reload: rolling, one slot at a time; a cluster app keeps serving, a fork-mode app's process is stopped before its
replacement starts), with the file's env (and env_<name> of --env) over the environment it was started in (this
shell's with -a|--update-env, or when the file gives the app no env: as PM2 7's); the others, not there yet, stopped or
errored, start with the file as \`hive start <config>\` starts them. A reloaded app keeps its other options (script,
instances, args...), so start's other flags are refused: set them in the file and run \`hive startOrRestart\`.
--only: only these apps of the file (comma-separated, or the flag repeated).`,
  startOrRestart: `Usage: hive startOrRestart <config> [--only <names>] [--env <name>] [start's options] [--json]

PM2's startOrRestart: of the config file's apps, those the daemon has are restarted with the file's options as they are
now, the others start: \`hive start <config>\` (see its --help), for a config file only. A restarted app keeps the
environment it was started in under the file's env, unless -a|--update-env or the file gives it no env (then this
shell's), as PM2 7's. --only: only these apps of the file.`,
} as const;

/**
 * `hive startOrReload|startOrRestart <config>`: `hive start` of a config file, the running apps reloaded or restarted.
 */
export async function startOr(command: keyof typeof usages, argv: string[]): Promise<number> {
  // By URL: a literal import would bundle start (and what it loads) into the command (bundle-entries.js).
  const { default: start } = (await import(
    new URL('./commands/start.js', import.meta.url).href
  )) as typeof import('./commands/start.js');
  const how: StartOr = { existing: command === 'startOrReload' ? 'reload' : 'restart', usage: usages[command] };
  return start(argv, command, how);
}
