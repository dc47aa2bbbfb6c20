import type { StartOr } from './commands/start.js';

const usages = {
  startOrReload: `Usage: hive startOrReload <config> [--only <names>] [--env <name>] [-a|--update-env] [--json]

PM2's startOrReload (startOrGracefulReload is the same command): of the config file's apps, those running are reloaded
(rolling, zero downtime: hive reload), with the file's env (and env_<name> of --env) replacing theirs; the others, not
there yet, stopped or errored, start with the file as \`hive start <config>\` starts them. A reloaded app keeps its other
options (script, instances, args...): \`hive startOrRestart\` applies those. --update-env: this shell's environment too.
--only: only these apps of the file (comma-separated, or the flag repeated).`,
  startOrRestart: `Usage: hive startOrRestart <config> [--only <names>] [--env <name>] [-a|--update-env] [--json]

PM2's startOrRestart: of the config file's apps, those the daemon has are restarted with the file's options as they are
now, the others start: \`hive start <config>\` (see its --help), for a config file only. --update-env: this shell's
environment instead of the one they were started in. --only: only these apps of the file.`,
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
