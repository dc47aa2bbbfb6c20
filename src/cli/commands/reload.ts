import type { DaemonClient } from '../../daemon/client.js';
import type { AppInfo, ReloadProgress } from '../../daemon/protocol.js';
import { appTable, slotTable } from '../app-output.js';
import { appSteps } from '../app-steps.js';
import { eachByName, isConfigTarget } from '../config-target.js';
import { parseCommand, printJson, reportError, runCommand, UsageError, withDaemon } from '../daemon-command.js';
import { warningsTo } from '../daemon-warning.js';
import { errorLine } from '../error-line.js';
import { failedStartApp } from '../failed-start.js';
import { fleetApps, freshApps } from '../fresh-apps.js';
import { writeKilledWarnings } from '../killed-warning.js';
import { rewritesLines } from '../line-in-place.js';
import { shellEnv } from '../shell-env.js';
import { terminalColumns } from '../table-fit.js';
import { takenOver } from '../taken-over.js';
import type { ConfigReload } from './start.js';

const usage = `Usage: hive reload <name|id|all|config> [-a|--update-env] [--only <names>] [--env <name>] [--json]

Reloads the app(s), rolling: per slot the replacement is ready before the old process drains. Waits for every slot,
then prints one line per slot (old pid, new pid, ms to ready) and the app table. The replacements keep the
environment of the hive start that added the app; --update-env gives them this shell's instead (as PM2's does), kept
from then on. Of a config file (PM2's \`pm2 reload ecosystem.config.js --env production\`): its apps that the daemon
has, each with the file's env as it is now (and env_<name> of --env) over its environment, kept from then on; then
those it does not have are started, as PM2 starts them (hive start <config>); --only: those of these names.
--json: the apps, each with \`reload\`: [{ instance, oldPid, newPid, readyMs }].`;

/** `hive reload <name|id|all|config>`: a rolling reload, reported per slot; progress on a terminal. */
export default function reload(argv: string[]): Promise<number> {
  return runCommand('reload', async () => {
    const flags = {
      'update-env': { type: 'boolean', short: 'a' },
      only: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
    } as const;
    const { values, positionals } = parseCommand(argv, flags, { command: 'reload', min: 1, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0]!;
    const only = values.only as string[] | undefined;
    const config = isConfigTarget(target);
    if (only && !config) throw new UsageError('--only picks apps of a config file, not of an app name, id or all');
    // PM2: "Using --env [env] without passing the ecosystem.config.js does not work".
    if (values.env && !config) {
      throw new UsageError('--env picks the env_<name> of a config file, not of an app name, id or all');
    }
    // Progress for people (one line rewritten in place; a line each on a dumb terminal), nothing for scripts.
    const person = !values.json && process.stderr.isTTY === true;
    const tty = person && rewritesLines(process.stderr);
    const slotProgress = person
      ? (progress: unknown) => {
          const { app, done, total } = progress as ReloadProgress;
          process.stderr.write(
            tty ? `\r\x1b[Kreloading ${app} ${done}/${total}...` : `reloading ${app} ${done}/${total}\n`,
          );
        }
      : undefined;
    // And a line per app as each is done (appSteps), on a terminal too.
    const { steps, onProgress } = appSteps('reload', values.json === true, slotProgress, tty);
    if (tty) process.stderr.write(`reloading ${target}...`);
    let apps: AppInfo[];
    let failed = false;
    let failure: { error: unknown } | undefined;
    try {
      // As restart --update-env sends it: Hive's own per-process variables left out.
      const env = values['update-env'] ? { shellEnv: shellEnv() } : {};
      if (config) {
        const requests = await configReloads(target, values);
        ({ apps, failed, failure } = await reloadConfig(requests, values.json === true, steps, onProgress));
      } else {
        const taken = (await withDaemon((client) =>
          fleetApps(client, target, () =>
            client.request<AppInfo[]>('reload', { target, ...env, ...steps }, warningsTo('reload', onProgress)),
          ),
        ))!;
        apps = taken.apps;
        // Some of the apps failed: said after them (fleetApps).
        if ('failure' in taken) failure = { error: taken.failure };
      }
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
    }
    const code = () => (failure === undefined ? Number(failed) : reportError('reload', failure.error));
    if (values.json) {
      printJson(apps);
      return code();
    }
    writeKilledWarnings('reload', apps);
    const slots = slotTable(apps, terminalColumns());
    if (slots !== undefined) process.stdout.write(`${slots}\n\n`);
    if (apps.length > 0 || !failed) process.stdout.write(`${appTable(apps, terminalColumns())}\n`);
    return code();
  });
}

/**
 * Reloads the file's apps the daemon has, by name only (an app named `0` in the file is not app 0), then starts the
 * others, as PM2's reload of a file does (_startJson: "Applications ... not running, starting..."). A start that
 * fails is said on stderr and the others are still started, as `hive start <config>` does (`failed`: exit 1); a reload
 * that fails does not keep the next apps from theirs either, and is said after the table (`failure`, see eachByName).
 */
async function reloadConfig(
  requests: ConfigReload[],
  json: boolean,
  steps: { steps?: true },
  onProgress: ((progress: unknown) => void) | undefined,
): Promise<{ apps: AppInfo[]; failed: boolean; failure: { error: unknown } | undefined }> {
  // Apps taken over from another config file: said together once the file's apps are done (taken-over.ts).
  const origins = takenOver('reload', requests[0]?.configFile);
  const run = async (client: DaemonClient) => {
    // The file's apps the daemon has, each reloaded though one before failed (eachByName), the others started.
    const reloaded = await eachByName(
      client,
      'reload',
      requests,
      (request) => ({ ...request.reload, ...steps }),
      origins.warnings(onProgress),
    );
    const { apps, missing } = reloaded;
    const failure = 'failure' in reloaded ? { error: reloaded.failure } : undefined;
    if (missing.length > 0 && !json) {
      process.stderr.write(`hive reload: ${missing.map((m) => m.name).join(', ')} not in the daemon, starting\n`);
    }
    let failed = false;
    for (const request of missing) {
      try {
        apps.push(await client.request<AppInfo>('start', request.start, origins.warnings()));
      } catch (error) {
        failed = true;
        process.stderr.write(errorLine('reload', error));
        const app = await failedStartApp(client, request.name, error);
        if (app) apps.push(app);
      }
    }
    return { apps: await freshApps(client, apps), failed, failure };
  };
  return (await withDaemon(run).finally(origins.say))!;
}

/** A config file's apps and the requests that reload or start them: start's reading of the file (start.ts). */
async function configReloads(file: string, values: Parameters<typeof import('./start.js').configReloads>[1]) {
  // By URL: a literal import would bundle start (and what it loads) into every `hive reload` (bundle-entries.js).
  const { configReloads } = (await import(new URL('./start.js', import.meta.url).href)) as typeof import('./start.js');
  return configReloads(file, values, 'reload');
}
