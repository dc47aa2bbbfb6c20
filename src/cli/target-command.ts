import type { ParseArgsConfig } from 'node:util';
import type { AppInfo } from '../daemon/protocol.js';
import { appTable } from './app-output.js';
import { isConfigTarget, onConfigApps } from './config-target.js';
import { parseCommand, printJson, reportError, runCommand, UsageError, withDaemon } from './daemon-command.js';
import { shellEnv } from './shell-env.js';

const verbs = {
  stop: 'Stops',
  restart: 'Restarts (stop, then start)',
  delete: 'Stops and forgets',
};

const many =
  'Several targets (as PM2 takes them: `hive stop api worker`) are taken in turn; one that fails is said and the\n' +
  'others are still taken (PM2 stops at it), and the command exits non-zero.';

/**
 * `hive stop|restart|delete <target>... [--json]`: one request per target, in turn, then the affected apps' table.
 */
export function targetCommand(command: keyof typeof verbs, argv: string[]): Promise<number> {
  const usage =
    command === 'restart'
      ? `Usage: hive restart <name|id|all>... [-a|--update-env] [--json]\n\n${verbs[command]} the app(s). They keep the ` +
        "environment of the hive start that added them;\n--update-env gives them this shell's instead (as PM2's does).\n" +
        many
      : `Usage: hive ${command} <name|id|all|config>... [--only <names>] [--json]\n\n${verbs[command]} the app(s); of a ` +
        'config file, its apps (--only: those of these names, comma-separated or the flag repeated).\n' +
        many;
  return runCommand(command, usage, async () => {
    const flags: NonNullable<ParseArgsConfig['options']> =
      command === 'restart'
        ? { 'update-env': { type: 'boolean', short: 'a' } }
        : { only: { type: 'string', multiple: true } };
    const { values, positionals } = parseCommand(argv, flags, { min: 1, max: Number.POSITIVE_INFINITY });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const only = values.only as string[] | undefined;
    const configs = positionals.map((target) => command !== 'restart' && isConfigTarget(target));
    // Checked before anything is done: --only narrows one config file, so that it is clear which.
    if (only && positionals.length > 1)
      throw new UsageError('--only picks apps of one config file, not of several targets');
    if (only && !configs[0]) throw new UsageError('--only picks apps of a config file, not of an app name, id or all');
    // A restart waits for every slot: say what is happening on a terminal, nothing in scripts.
    if (!values.json && process.stderr.isTTY) process.stderr.write(`${command} ${positionals.join(' ')}...\n`);
    const env = values['update-env'] ? { shellEnv: shellEnv() } : {};
    const apps: AppInfo[] = [];
    let code = 0;
    for (const [i, target] of positionals.entries()) {
      try {
        apps.push(
          ...(configs[i] && command !== 'restart'
            ? await onConfigApps(command, target, { only })
            : (await withDaemon((client) => client.request<AppInfo[]>(command, { target, ...env })))!),
        );
      } catch (error) {
        // With one target, as ever: the error alone. With several, each said and the rest still taken.
        if (positionals.length === 1) throw error;
        code = Math.max(code, reportError(command, usage, error));
      }
    }
    if (values.json) printJson(apps);
    else if (command === 'delete') process.stdout.write(`deleted ${apps.map((a) => a.name).join(', ') || 'nothing'}\n`);
    else if (apps.length > 0 || code === 0) process.stdout.write(`${appTable(apps)}\n`);
    return code;
  });
}
