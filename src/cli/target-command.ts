import type { ParseArgsConfig } from 'node:util';
import type { AppInfo } from '../daemon/protocol.js';
import { appTable } from './app-output.js';
import { isConfigTarget, onConfigApps } from './config-target.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from './daemon-command.js';
import { shellEnv } from './shell-env.js';

const verbs = {
  stop: 'Stops',
  restart: 'Restarts (stop, then start)',
  delete: 'Stops and forgets',
};

/** `hive stop|restart|reload|delete <name|id|all> [--json]`: one request, then the affected apps' table. */
export function targetCommand(command: keyof typeof verbs, argv: string[]): Promise<number> {
  const usage =
    command === 'restart'
      ? `Usage: hive restart <name|id|all> [--update-env] [--json]\n\n${verbs[command]} the app(s). They keep the ` +
        "environment of the hive start that added them;\n--update-env gives them this shell's instead (as PM2's does)."
      : `Usage: hive ${command} <name|id|all|config> [--only <names>] [--json]\n\n${verbs[command]} the app(s); of a ` +
        'config file, its apps (--only: those of these names, comma-separated or the flag repeated).';
  return runCommand(command, usage, async () => {
    const flags: NonNullable<ParseArgsConfig['options']> =
      command === 'restart' ? { 'update-env': { type: 'boolean' } } : { only: { type: 'string', multiple: true } };
    const { values, positionals } = parseCommand(argv, flags, { min: 1, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0]!;
    // A restart waits for every slot: say what is happening on a terminal, nothing in scripts.
    if (!values.json && process.stderr.isTTY) process.stderr.write(`${command} ${target}...\n`);
    const body = values['update-env'] ? { target, shellEnv: shellEnv() } : { target };
    const only = values.only as string[] | undefined;
    const config = command !== 'restart' && isConfigTarget(target);
    if (only && !config) throw new UsageError('--only picks apps of a config file, not of an app name, id or all');
    const apps = config
      ? await onConfigApps(command, target, { only })
      : (await withDaemon((client) => client.request<AppInfo[]>(command, body)))!;
    if (values.json) printJson(apps);
    else if (command === 'delete') process.stdout.write(`deleted ${apps.map((a) => a.name).join(', ') || 'nothing'}\n`);
    else process.stdout.write(`${appTable(apps)}\n`);
    return 0;
  });
}
