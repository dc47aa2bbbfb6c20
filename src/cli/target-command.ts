import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { isConfigFile } from '../config/config-file-name.js';
import type { DaemonClient } from '../daemon/client.js';
import { AppNotFoundError, AppsFailedError } from '../daemon/errors.js';
import type { AppInfo } from '../daemon/protocol.js';
import { appTable } from './app-output.js';
import { appSteps } from './app-steps.js';
import { configTargetNames, isConfigTarget, onConfigApps } from './config-target.js';
import { parseCommand, printJson, reportError, runCommand, UsageError, withDaemon } from './daemon-command.js';
import { warningsTo } from './daemon-warning.js';
import { fleetApps, freshApps } from './fresh-apps.js';
import { writeKilledWarnings } from './killed-warning.js';
import { resolveTarget, type Target } from './resolve-targets.js';
import { shellEnv } from './shell-env.js';
import { terminalColumns } from './table-fit.js';

const verbs = {
  stop: 'Stops',
  restart: 'Restarts (stop, then start)',
  delete: 'Stops and forgets',
  reset: 'Zeroes the restart counters (the restarts column of hive ls) of',
};

// What AppsFailedError says was done to the others (the daemon's own words for `restart all`, `stop all`).
const pastTense = { stop: 'stopped', restart: 'restarted', delete: 'deleted', reset: 'reset' };

const many =
  'Several targets (as PM2 takes them: `hive stop api worker`) are first resolved to apps, together, and each app is\n' +
  'taken once, in turn; a target that names no app is said (ERR_HIVE_APP_NOT_FOUND) and the others are still taken\n' +
  '(PM2 stops at it), and the command exits non-zero.';

/**
 * `hive stop|restart|delete|reset <target>... [--json]`: one request for one target; several are resolved to app ids
 * first (see onSeveral), then the affected apps' table.
 */
export function targetCommand(command: keyof typeof verbs, argv: string[]): Promise<number> {
  const usage =
    command === 'restart'
      ? `Usage: hive restart <name|id|all>... [-a|--update-env] [--json]\n\n${verbs[command]} the app(s). They keep the ` +
        "environment of the hive start that added them;\n--update-env gives them this shell's instead (as PM2's does).\n" +
        many
      : `Usage: hive ${command} <name|id|all|config>... [--only <names>] [--env <name>] [--json]\n\n${verbs[command]} ` +
        'the app(s); of a config file, its apps (--only: those of these names, comma-separated or the flag repeated;\n' +
        '--env <name>: under the names `hive start <config> --env <name>` gave them, with appendEnvToName).\n' +
        many;
  return runCommand(command, async () => {
    // --env with restart: only for the message below (a config file's restart is start's, see restart.ts).
    const flags: NonNullable<ParseArgsConfig['options']> =
      command === 'restart'
        ? { 'update-env': { type: 'boolean', short: 'a' }, env: { type: 'string', multiple: true } }
        : { only: { type: 'string', multiple: true }, env: { type: 'string', multiple: true } };
    const { values, positionals } = parseCommand(argv, flags, {
      command: command,
      min: 1,
      max: Number.POSITIVE_INFINITY,
    });
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
    const env = envOption(values.env as string[] | undefined, configs);
    // A restart waits for every slot: say what is happening on a terminal, nothing in scripts.
    if (!values.json && process.stderr.isTTY) process.stderr.write(`${command} ${positionals.join(' ')}...\n`);
    const updateEnv = values['update-env'] ? { shellEnv: shellEnv() } : {};
    // A line per app as each is done, on a terminal (delete and reset are over at once).
    const { steps, onProgress } =
      command === 'stop' || command === 'restart' ? appSteps(command, values.json === true) : { steps: {} };
    const progress = warningsTo(command, onProgress);
    let apps: AppInfo[];
    let code = 0;
    // A fleet target's, a config file's or several targets' apps are shown even when some failed: the errors are said
    // after them.
    const failures: unknown[] = [];
    let fresh = false;
    const target = positionals[0]!;
    if (positionals.length === 1 && configs[0] && command !== 'restart') {
      // A config file's apps the same: each is taken, and one that failed is said after them (eachByName).
      const taken = await onConfigApps(command, target, { only, env });
      apps = taken.apps;
      if ('failure' in taken) failures.push(taken.failure);
    } else if (positionals.length === 1) {
      const request = (client: DaemonClient) => () =>
        client.request<AppInfo[]>(command, { target, ...updateEnv, ...steps }, progress);
      // Delete's apps are gone: no listing shows them (see below).
      const taken = (await withDaemon((client) =>
        command === 'delete'
          ? request(client)().then((apps) => ({ apps }))
          : fleetApps(client, target, request(client)),
      ).catch((error: unknown) => {
        throw missingConfig(command, target, error);
      }))!;
      apps = taken.apps;
      fresh = true;
      if ('failure' in taken) failures.push(taken.failure);
    } else {
      const report = (error: unknown) => {
        code = Math.max(code, reportError(command, error));
      };
      apps = await onSeveral(command, positionals, configs, { env, updateEnv, steps, progress }, report, failures);
    }
    // Several apps, taken in turn: shown as they are once all are done (freshApps, which fleetApps did already); a
    // deleted one is gone from it.
    if (command !== 'delete' && apps.length > 1 && !fresh) {
      const taken = apps;
      apps = (await withDaemon((client) => freshApps(client, taken), false)) ?? apps;
    }
    const said = () => failures.reduce<number>((worst, error) => Math.max(worst, reportError(command, error)), code);
    if (values.json) {
      printJson(apps);
      return said();
    }
    // Stop, restart and delete retire processes: one whose drain never ended was SIGKILLed (reset kills none).
    writeKilledWarnings(command, apps);
    if (command === 'delete') process.stdout.write(`deleted ${apps.map((a) => a.name).join(', ') || 'nothing'}\n`);
    else if (apps.length > 0 || (code === 0 && failures.length === 0))
      process.stdout.write(`${appTable(apps, terminalColumns())}\n`);
    return said();
  });
}

/**
 * Several targets: all resolved to app ids against one listing before anything is done, each app then taken once, by
 * id. Taken in turn, each target against a table the ones before changed, `hive delete 0 0` deleted app 0 and then an
 * app named `0`, and `hive stop a a` stopped a twice. A target that fails to resolve (names no app, an unreadable config
 * file) is reported at once and the others are still taken. An app the command failed on is added to `failures`, said
 * after the table, and listed in its place as the daemon has it now, as `restart all` lists one (fleetApps): the
 * daemon's error reply carries no app, and `hive restart a b c` with a and c failing showed b alone, in the table and
 * in --json. A failed delete's app is not listed: what is listed was deleted.
 */
async function onSeveral(
  command: keyof typeof verbs,
  targets: string[],
  configs: boolean[],
  {
    env,
    updateEnv,
    steps,
    progress,
  }: {
    env: string | undefined;
    updateEnv: { shellEnv?: Record<string, string> };
    steps: { steps?: true };
    progress: (progress: unknown) => void;
  },
  report: (error: unknown) => void,
  failures: unknown[],
): Promise<AppInfo[]> {
  const resolved: (Target | undefined)[] = [];
  for (const [i, target] of targets.entries()) {
    try {
      resolved.push(
        configs[i] && command !== 'restart'
          ? { file: target, names: await configTargetNames(target, { env }) }
          : { target },
      );
    } catch (error) {
      report(error);
      resolved.push(undefined);
    }
  }
  const run = async (client: DaemonClient) => {
    const listing = await client.request<AppInfo[]>('ls');
    const ids = new Set<number>();
    for (const target of resolved) {
      if (target === undefined) continue;
      try {
        for (const id of resolveTarget(listing, target)) ids.add(id);
      } catch (error) {
        report(error);
      }
    }
    // Each app's reply, or the id of one the command failed on, in the order taken.
    const taken: (AppInfo[] | number)[] = [];
    const failed: { name: string; error: unknown }[] = [];
    for (const id of ids) {
      try {
        taken.push(
          await client.request<AppInfo[]>(command, { target: String(id), by: 'id', ...updateEnv, ...steps }, progress),
        );
      } catch (error) {
        // Deleted by someone else since the listing, or the command failed on it: the others are still taken.
        failed.push({ name: listing.find((app) => app.id === id)?.name ?? String(id), error });
        if (command !== 'delete') taken.push(id);
      }
    }
    // Said as `restart all` says its failures: one as itself, several as one error naming each.
    if (failed.length === 1) failures.push(failed[0]!.error);
    if (failed.length > 1) {
      failures.push(new AppsFailedError(failed, { count: ids.size - failed.length, verb: pastTense[command] }));
    }
    const now = failed.length > 0 && command !== 'delete' ? await listingNow(client) : new Map<number, AppInfo>();
    // One deleted meanwhile, or no listing, leaves the failed app out; its error is said all the same.
    return taken.flatMap((entry) => (typeof entry === 'number' ? (now.get(entry) ?? []) : entry));
  };
  return (await withDaemon(run))!;
}

/** The daemon's apps by id as listed now; none when the listing fails (the apps it would add are left out). */
async function listingNow(client: DaemonClient): Promise<Map<number, AppInfo>> {
  try {
    return new Map((await client.request<AppInfo[]>('ls')).map((app) => [app.id, app]));
  } catch {
    return new Map();
  }
}

/**
 * `--env <name>` of stop, delete and reset: it picks the names of a config file's apps, as PM2 takes it there; one,
 * as start takes one. Of an app name, id or `all` it means nothing: refused, as PM2's restart and reload refuse it.
 */
function envOption(values: string[] | undefined, configs: boolean[]): string | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) throw new UsageError(`--env picks one env_<name> of a config file, got ${values.join(', ')}`);
  if (!configs.some(Boolean)) {
    throw new UsageError('--env picks the env_<name> of a config file, not of an app name, id or all');
  }
  return values[0];
}

/**
 * A target with a config file's name that is neither an app nor a file there (a typo in the path, run from another
 * folder): the daemon's "no app named" says nothing of the file the user meant, so the error says it is not there.
 */
function missingConfig(command: keyof typeof verbs, target: string, error: unknown): unknown {
  if (command === 'restart' || !isConfigFile(target)) return error;
  if ((error as { code?: unknown }).code !== 'ERR_HIVE_APP_NOT_FOUND') return error;
  return new AppNotFoundError(target, `nor is there a config file at ${resolve(target)}; see \`hive ls\``);
}
