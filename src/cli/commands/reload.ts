import type { AppInfo, ReloadProgress } from '../../daemon/protocol.js';
import { appTable, slotTable } from '../app-output.js';
import { isConfigTarget, onConfigApps } from '../config-target.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';
import { shellEnv } from '../shell-env.js';

const usage = `Usage: hive reload <name|id|all|config> [-a|--update-env] [--only <names>] [--json]

Reloads the app(s), rolling: per slot the replacement is ready before the old process drains. Waits for every slot,
then prints one line per slot (old pid, new pid, ms to ready) and the app table. The replacements keep the
environment of the hive start that added the app; --update-env gives them this shell's instead (as PM2's does), kept
from then on. Of a config file: its apps that the daemon has (as PM2's); --only: those of these names. --json: the apps, each with \`reload\`:
[{ instance, oldPid, newPid, readyMs }].`;

/** `hive reload <name|id|all|config>`: a rolling reload, reported per slot; progress on a terminal. */
export default function reload(argv: string[]): Promise<number> {
  return runCommand('reload', usage, async () => {
    const flags = { 'update-env': { type: 'boolean', short: 'a' }, only: { type: 'string', multiple: true } } as const;
    const { values, positionals } = parseCommand(argv, flags, { min: 1, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0]!;
    const only = values.only as string[] | undefined;
    const config = isConfigTarget(target);
    if (only && !config) throw new UsageError('--only picks apps of a config file, not of an app name, id or all');
    // Progress for people (one line rewritten in place), nothing for scripts.
    const tty = !values.json && process.stderr.isTTY === true;
    const onProgress = tty
      ? (progress: unknown) => {
          const { app, done, total } = progress as ReloadProgress;
          process.stderr.write(`\r\x1b[Kreloading ${app} ${done}/${total}...`);
        }
      : undefined;
    if (tty) process.stderr.write(`reloading ${target}...`);
    let apps: AppInfo[];
    try {
      // As restart --update-env sends it: Hive's own per-process variables left out.
      const env = values['update-env'] ? { shellEnv: shellEnv() } : {};
      apps = config
        ? await onConfigApps('reload', target, { body: env, only, onProgress })
        : (await withDaemon((client) => client.request<AppInfo[]>('reload', { target, ...env }, onProgress)))!;
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
    }
    if (values.json) {
      printJson(apps);
      return 0;
    }
    const slots = slotTable(apps);
    if (slots !== undefined) process.stdout.write(`${slots}\n\n`);
    process.stdout.write(`${appTable(apps)}\n`);
    return 0;
  });
}
