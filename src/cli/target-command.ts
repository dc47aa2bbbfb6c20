import { existsSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { isConfigFile } from '../config/config-file-name.js';
import type { DaemonClient } from '../daemon/client.js';
import type { AppInfo } from '../daemon/protocol.js';
import { appTable } from './app-output.js';
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
    // A file that is there: an app may be named like one (`--name api.json`).
    const apps =
      isConfigFile(target) && existsSync(target)
        ? await onConfigApps(command, target)
        : (await withDaemon((client) => client.request<AppInfo[]>(command, body)))!;
    if (values.json) printJson(apps);
    else if (command === 'delete') process.stdout.write(`deleted ${apps.map((a) => a.name).join(', ') || 'nothing'}\n`);
    else process.stdout.write(`${appTable(apps)}\n`);
    return 0;
  });
}

/**
 * `hive stop|delete <config file>` (as `pm2 stop ecosystem.config.js`): the command on each app the file names, by
 * name; one the daemon does not have is skipped, as PM2 skips it, unless none is there (ERR_HIVE_APP_NOT_FOUND).
 * (`hive restart <config file>` is a start of the file again: see restart.ts.)
 */
async function onConfigApps(command: keyof typeof verbs, file: string): Promise<AppInfo[]> {
  // By URL, not `import('../config/load-config.js')`: this module is bundled into stop, restart and delete
  // (scripts/bundle-entries.js), which would inline the loader (yaml, zod: about 150 ms) into every `hive stop`.
  const { loadConfig } = (await import(
    new URL('../config/load-config.js', import.meta.url).href
  )) as typeof import('../config/load-config.js');
  const names = (await loadConfig(file)).apps.map((app) => app.name);
  const run = async (client: DaemonClient) => {
    const apps: AppInfo[] = [];
    let missing: unknown;
    for (const name of names) {
      try {
        apps.push(...(await client.request<AppInfo[]>(command, { target: name })));
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ERR_HIVE_APP_NOT_FOUND') throw error;
        missing ??= error;
      }
    }
    if (apps.length === 0 && missing !== undefined) throw missing;
    return apps;
  };
  return (await withDaemon(run))!;
}
