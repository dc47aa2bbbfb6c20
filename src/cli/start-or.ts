import type { StartOr } from './commands/start.js';

const usages = {
  startOrReload: `Usage: hive startOrReload <config> [--only <names>] [--env <name>] [--threads <n>] [--json]

PM2's startOrReload (startOrGracefulReload is the same command): of the config file's apps, those running are reloaded
(hive reload: rolling, one slot at a time; a cluster app keeps serving, a fork-mode app's process is stopped before its
replacement starts), in this shell's environment with the file's env (and env_<name> of --env) over it, as PM2's; the
others, not there yet, stopped or errored, start with the file as \`hive start <config>\` starts them. A reloaded app
keeps its other options (script, instances, args...), so start's other flags are refused: set them in the file and run
\`hive startOrRestart\`. --only: only these apps of the file (comma-separated, or the flag repeated). -a|--update-env is
taken, and always on (PM2's startOr commands take the shell's environment).`,
  startOrRestart: `Usage: hive startOrRestart <config> [--only <names>] [--env <name>] [start's options] [--json]

PM2's startOrRestart: of the config file's apps, those the daemon has are restarted with the file's options as they are
now, the others start: \`hive start <config>\` (see its --help), for a config file only, always in this shell's
environment with the file's env over it (PM2's startOr commands take the shell's: -a|--update-env is always on).
--only: only these apps of the file.`,
} as const;

/** `hive startOrReload|startOrRestart <config>`: `hive start` of a config file, the running apps reloaded or restarted. */
export async function startOr(command: keyof typeof usages, argv: string[]): Promise<number> {
  // By URL: a literal import would bundle start (and what it loads) into the command (bundle-entries.js).
  const { default: start } = (await import(
    new URL('./commands/start.js', import.meta.url).href
  )) as typeof import('./commands/start.js');
  const how: StartOr = { existing: command === 'startOrReload' ? 'reload' : 'restart', usage: usages[command] };
  return start(argv, command, how);
}
