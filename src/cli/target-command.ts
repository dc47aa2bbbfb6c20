import type { ParseArgsConfig } from 'node:util';
import type { AppInfo } from '../daemon/protocol.js';
import { appTable } from './app-output.js';
import { isConfigTarget, onConfigApps } from './config-target.js';
import { parseCommand, printJson, runCommand, withDaemon } from './daemon-command.js';
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
      : `Usage: hive ${command} <name|id|all|config> [--json]\n\n${verbs[command]} the app(s); of a config file, its apps.`;
  return runCommand(command, usage, async () => {
    const flags: NonNullable<ParseArgsConfig['options']> =
      command === 'restart' ? { 'update-env': { type: 'boolean' } } : {};
    const { values, positionals } = parseCommand(argv, flags, { min: 1, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0]!;
    // A restart waits for every slot: say what is happening on a terminal, nothing in scripts.
    if (!values.json && process.stderr.isTTY) process.stderr.write(`${command} ${target}...\n`);
    const body = values['update-env'] ? { target, shellEnv: shellEnv() } : { target };
    const apps =
      command !== 'restart' && isConfigTarget(target)
        ? await onConfigApps(command, target)
        : (await withDaemon((client) => client.request<AppInfo[]>(command, body)))!;
    if (values.json) printJson(apps);
    else if (command === 'delete') process.stdout.write(`deleted ${apps.map((a) => a.name).join(', ') || 'nothing'}\n`);
    else process.stdout.write(`${appTable(apps)}\n`);
    return 0;
  });
}
