import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { supportsReusePort } from '../../cluster/balance.js';
import { DaemonClient } from '../../daemon/client.js';
import { metricsEndpoint, oldDaemonMayHoldIt, probeDaemonMetrics } from '../../daemon/daemon-metrics-probe.js';
import {
  DAEMON_METRICS_PORT_ADVICE,
  type DaemonMetricsSettings,
  daemonMetricsFromEnv,
} from '../../daemon/daemon-metrics-settings.js';
import { DAEMON_SETTINGS_ENV, type SuccessorSettings, successorSettings } from '../../daemon/daemon-settings-env.js';
import { readDump, type SavedApp } from '../../daemon/dump.js';
import { dumpTemporary, writeWhole } from '../../daemon/dump-temporaries.js';
import { DaemonUnreachableError, DumpReadError, DumpWriteError, SavedAppRefusedError } from '../../daemon/errors.js';
import { logRotationFromEnv } from '../../daemon/log-rotation.js';
import { hivePaths } from '../../daemon/paths.js';
import type { AppInfo } from '../../daemon/protocol.js';
import { protocolRevision } from '../../daemon/protocol-revision.js';
import { runArgFlag } from '../../daemon/run-arg-flag.js';
import { hiveVersion } from '../../daemon/version.js';
import { HiveError } from '../../errors.js';
import { needsNode } from '../../needs-node.js';
import { appTable, notStartedYet } from '../app-output.js';
import { appSteps } from '../app-steps.js';
import { parseCommand, printJson, runCommand } from '../daemon-command.js';
import { warningsTo } from '../daemon-warning.js';
import { runArgsProblem } from '../run-args-problem.js';
import { terminalColumns } from '../table-fit.js';
import { waitGone } from '../wait-gone.js';

const usage = `Usage: hive update [--json]

After upgrading Hive (as pm2 update): saves the running daemon's apps to $HIVE_HOME/dump.json, stops that daemon and
its apps, starts this build's daemon and resurrects the dump. The running daemon may be of another version or build.`;

/** `settings`: the daemon's DAEMON_SETTINGS_ENV as it started; absent from a build before it. */
type Ping = {
  version: string;
  protocol?: string;
  pid: number;
  metrics?: string | null;
  settings?: [name: string, value: string][];
};

/** `hive update --json`; `saved` and `apps` are empty when no app ran (the dump is then left as it is). */
interface Updated {
  updated: boolean;
  file: string;
  saved: string[];
  /** The daemon replaced, null when none ran. */
  killed: number | null;
  /** This build's daemon, null when none ran before (none is started then). */
  pid: number | null;
  apps: AppInfo[];
}

/** `hive update`. */
export default function update(argv: string[]): Promise<number> {
  return runCommand('update', async () => {
    const { values } = parseCommand(argv, {}, { command: 'update', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // Before the daemon is stopped: its successor would refuse to start, leaving the apps down.
    logRotationFromEnv();
    daemonMetricsFromEnv();
    const { dump: file, socket } = hivePaths();
    const result: Updated = { updated: false, file, saved: [], killed: null, pid: null, apps: [] };
    const old = await DaemonClient.connect({ start: false });
    if (old) {
      let successor: SuccessorSettings | undefined;
      let unreported = '';
      try {
        // A daemon of another build refuses this CLI's requests but ping and kill. `ls` and `save` take no arguments,
        // so they are sent as its own build's, which it accepts whatever build it is (from before revisions too).
        const ping = await old.request<Ping>('ping');
        successor = successorSettings(ping.settings);
        // The carried ones were the old daemon's, but this build may read them more strictly: checked before the stop.
        logRotationFromEnv(successor.env);
        const metrics = daemonMetricsFromEnv(successor.env);
        if (metrics) await checkMetricsEndpoint(metrics, ping);
        if (ping.settings === undefined) {
          // Said as the successor starts too, with the rest.
          unreported = `hive update: warning: the daemon (pid ${ping.pid}, Hive ${ping.version}) does not report its settings, so those it was started with (${DAEMON_SETTINGS_ENV.join(', ')}) are not carried over: the new daemon has this shell's\n`;
        }
        const as = { hive: ping.version, rev: ping.protocol };
        // save's guard (see save.ts): with no app running, the dump keeps what it holds and nothing is resurrected.
        if ((await old.request<unknown[]>('ls', {}, { as })).length > 0) {
          // The save replaces the dump; one this build cannot read must not take the place of the last one it can.
          const backup = `${file}.before-update`;
          const hadDump = existsSync(file);
          if (hadDump) keepDump(file, backup, `the daemon (pid ${ping.pid}) and its apps are left running`);
          try {
            // As `hive save`: a backup (dump.json.bak) that could not be written comes as a warning on stderr.
            result.saved = (
              await old.request<{ apps: string[] }>('save', {}, { as, onProgress: warningsTo('update') })
            ).apps;
            // Read as this build's daemon will read it, before anything is stopped: a dump this build cannot resurrect
            // (a newer Hive's format, after a downgrade) would leave the apps down.
            const leftRunning = `the daemon (pid ${ping.pid}) and its apps are left running${hadDump ? `, and ${file} is back as it was` : ''}`;
            try {
              const apps = readDump(
                file,
                readDumpText(file, leftRunning).toString('utf8'),
                `${leftRunning}: use the Hive of the daemon's version, or \`hive kill\` and start the apps with this one`,
              );
              // And each app runnable by this build on this Node: one that is not would be stopped, then retried until
              // errored.
              assertRunnableHere(apps, leftRunning);
              assertArgsTaken(apps, leftRunning);
            } catch (error) {
              if (hadDump) await restoreDump(backup, file);
              throw error;
            }
          } finally {
            rmSync(backup, { force: true });
          }
        }
        // From the stop to the resurrect, Ctrl-C or a closed terminal would leave every app down: held off till then
        // (from before the line below, which a wrapper may wait for before it signals).
        holdSignals(file);
        // Said before the stop: an update cut short from here (kill -9) leaves the apps down, and this line is what
        // tells where they are.
        if (!values.json && result.saved.length > 0)
          process.stdout.write(`saved ${result.saved.length} app(s) to ${file}\n`);
        result.killed = (await old.request<{ pid: number }>('kill')).pid;
      } finally {
        old.close();
      }
      // It answers kill once its apps are stopped, and then exits; its successor can start meanwhile (it releases
      // the lock and the socket first), but waiting keeps the two from overlapping in `ps`.
      await waitGone([result.killed], 5_000);
      // And its socket gone (it unlinks it before it exits): a connection to a socket still closing would be dropped.
      for (const deadline = Date.now() + 5_000; existsSync(socket) && Date.now() < deadline; ) await delay(25);
      const { env, said } = successor!;
      // Said as it starts, so that a successor that then fails is known by what it was given.
      if (said.length > 0) process.stderr.write(`hive update: daemon settings: ${said.join('; ')}\n`);
      process.stderr.write(unreported);
      const client = await startSuccessor(result, file, env);
      try {
        const ping = await client.request<Ping>('ping');
        // The daemon answering may still be the old one (it did not exit within the waits) or one another build's CLI
        // started meanwhile: the apps must not be resurrected into it.
        if (ping.pid === result.killed || ping.version !== hiveVersion || ping.protocol !== protocolRevision) {
          const which =
            ping.pid === result.killed
              ? `the old daemon (pid ${ping.pid}) has not exited yet`
              : `the daemon that answers (pid ${ping.pid}, Hive ${ping.version}) is not of this build`;
          throw new DaemonUnreachableError(
            result.saved.length > 0
              ? `${which}, so the apps were not resurrected; they are saved in ${file}: once that daemon is gone (\`hive kill\` ends it), run \`hive resurrect\``
              : `${which}; once it is gone (\`hive kill\` ends it), the next command starts this build's daemon`,
          );
        }
        result.pid = ping.pid;
        if (result.saved.length > 0) {
          // On a terminal, a line per app as this daemon starts it, as `hive resurrect` says it (`resurrect api: done
          // (1.2 s)`): the apps are down until then, and an update of 40 apps said nothing till its table. This daemon
          // is of this build (checked above), so it takes the `steps` flag.
          const { steps, onProgress } = appSteps('resurrect', values.json === true, warningsTo('update'));
          result.apps = await client.request<AppInfo[]>('resurrect', steps, onProgress);
        }
      } finally {
        client.close();
      }
      result.updated = true;
    }
    process.stderr.write(notStartedYet('update', result.apps));
    if (values.json) printJson(result);
    else if (!result.updated) process.stdout.write(`no daemon running; nothing to update${savedAppsNote(file)}\n`);
    else {
      if (result.saved.length === 0) process.stdout.write(`no app runs; ${file} left as it is, nothing to resurrect\n`);
      process.stdout.write(`daemon (pid ${result.killed}) stopped; this build's daemon runs (pid ${result.pid})\n`);
      if (result.saved.length > 0) process.stdout.write(`${appTable(result.apps, terminalColumns())}\n`);
    }
    return 0;
  });
}

/**
 * Ignores SIGINT and SIGHUP for the rest of the update (the stop, this build's daemon's start, the resurrect): one
 * arriving there would end the update with every app down and only in the dump. Said once, on the first.
 */
function holdSignals(file: string): void {
  let said = false;
  const hold = (signal: NodeJS.Signals) => {
    if (said) return;
    said = true;
    try {
      process.stderr.write(
        `hive update: ${signal} ignored: the apps are being moved to this build's daemon (they are saved in ${file}); ` +
          'the update ends once they are back\n',
      );
    } catch {
      // A closed terminal (the SIGHUP's own cause): the update goes on unheard.
    }
  };
  process.on('SIGINT', hold);
  process.on('SIGHUP', hold);
}

/**
 * With no daemon running, the apps a dump holds (an update cut short by kill -9 leaves them only there): where they
 * are and how to get them back, or nothing when there is no readable dump. Not resurrected here: a `hive kill` the
 * user meant would be undone.
 */
function savedAppsNote(file: string): string {
  if (!existsSync(file)) return '';
  let count: number;
  try {
    count = readDump(file, readFileSync(file, 'utf8')).length;
  } catch {
    return '';
  }
  return count > 0 ? `; ${count} app(s) are saved in ${file}: \`hive resurrect\` brings them back` : '';
}

/**
 * Copies the dump at `file` to `backup`, to be put back if the save cannot be resurrected here. A directory in its place
 * (EISDIR) is said as `hive save` says it (ERR_HIVE_DUMP_WRITE, with the way out): the save would fail there alike.
 */
function keepDump(file: string, backup: string, state: string): void {
  let text: Buffer;
  try {
    text = readDumpText(file, `the dump is unchanged; ${state}`);
  } catch (error) {
    const cause = error instanceof DumpReadError ? (error.cause as NodeJS.ErrnoException) : undefined;
    if (cause?.code !== 'EISDIR') throw error;
    throw new DumpWriteError(file, realpathSync(file), cause, { command: 'update', state });
  }
  writeFileSync(backup, text, { mode: 0o600 });
}

/**
 * The dump's bytes; a system error (EACCES: a dump of mode 000, or another user's) is said as DumpReadError, naming
 * the dump and what is as it was (`state`), not in Node's words with no code.
 */
function readDumpText(file: string, state: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw DumpReadError.of(file, error, { command: 'update', state });
  }
}

/**
 * Puts the dump `backup` holds back at `file`, written through a symlinked dump.json as the save wrote it
 * (AppTable#save): a rename over the link replaced it with a plain file, and its target (on a volume, in a config
 * repository) kept the dump this build cannot resurrect. Written as the save writes it (writeWhole): a temporary file
 * beside the target (a rename from the home could cross file systems), flushed to the disk, then renamed over it; an
 * unflushed one could be found empty after a power cut, and the saved apps lost.
 */
async function restoreDump(backup: string, file: string): Promise<void> {
  const target = realpathSync(file);
  await writeWhole(target, readFileSync(backup, 'utf8'), dumpTemporary(target, process.pid, 0));
}

/**
 * Throws when an app of the dump needs what this Node.js lacks (`--balance reuseport` before 22.12): `hive update` run
 * under an older Node (nvm) would stop it, and its primary would refuse to start here, again and again.
 */
function assertRunnableHere(apps: readonly SavedApp[], leftRunning: string): void {
  if (supportsReusePort()) return;
  const reuseport = apps.filter(
    ({ spec, status }) =>
      // A stopped app comes back stopped: it need not run here now (a later update under a newer Node.js can start it).
      status === 'online' &&
      !spec.fork &&
      runArgFlag(spec.runArgs, 'balance') === 'reuseport' &&
      // Under sticky the balance is ignored, with a warning.
      runArgFlag(spec.runArgs, 'sticky') === undefined,
  );
  if (reuseport.length === 0) return;
  const names = reuseport.map(({ spec }) => JSON.stringify(spec.name)).join(', ');
  // What gives an app another balance: a restart of its config file (a reload keeps the balance), else a new start.
  const [{ spec: first }] = reuseport as [SavedApp];
  const rebalance =
    first.configFile !== undefined
      ? `set another \`balance\` in ${first.configFile} and \`hive restart ${first.configFile}\``
      : `\`hive delete ${first.name}\`, then \`hive start\` it with --balance rr`;
  throw new HiveError(
    'ERR_HIVE_BALANCE_UNSUPPORTED',
    `${names} ${reuseport.length === 1 ? 'runs' : 'run'} --balance reuseport, which ${needsNode('22.12')}: ` +
      `${leftRunning}; run \`hive update\` under a Node.js >= 22.12, or give ` +
      `${reuseport.length === 1 ? 'it' : 'each'} another balance first (${rebalance}), or stop it (a stopped app ` +
      'comes back stopped)',
  );
}

/**
 * Throws SavedAppRefusedError for the first app whose arguments this build's `hive run` refuses (read by its own
 * parser, as `hive start` reads them): a rule made stricter since the old build (`--keep-alive-timeout 65`, once taken,
 * now wants a duration) would have its primary fail at every start after the update.
 */
function assertArgsTaken(apps: readonly SavedApp[], leftRunning: string): void {
  for (const { spec } of apps) {
    const problem = runArgsProblem(spec);
    if (problem) throw new SavedAppRefusedError(spec.name, problem.message, leftRunning);
  }
}

/**
 * Before anything is stopped: this build's daemon refuses to start on an endpoint it cannot bind, and would leave the
 * apps down. Throws MetricsPortInUseError when the endpoint asked for is not the old daemon's and cannot be bound.
 */
async function checkMetricsEndpoint(wanted: DaemonMetricsSettings, old: Ping): Promise<void> {
  const held = metricsEndpoint(old.metrics);
  // The old daemon's own endpoint, which its exit frees.
  if (held?.port === wanted.port && held.host === wanted.host.toLowerCase()) return;
  try {
    await probeDaemonMetrics(
      wanted,
      `the daemon (pid ${old.pid}) and its apps are left running: ${DAEMON_METRICS_PORT_ADVICE}`,
    );
  } catch (error) {
    if (!oldDaemonMayHoldIt(error, held, wanted)) throw error;
  }
}

/** Starts this build's daemon once the old one is gone; a failure says where the apps are and how to get them back. */
async function startSuccessor(result: Updated, file: string, env: NodeJS.ProcessEnv): Promise<DaemonClient> {
  try {
    return (await DaemonClient.connect({ start: true, env }))!;
  } catch (error) {
    // Its metrics port taken since the check, or by a clash the check could not tell: the apps are only in the dump.
    if (result.saved.length === 0 || !(error instanceof HiveError)) throw error;
    throw new HiveError(
      error.code,
      `${error.message}; the daemon (pid ${result.killed}) and its apps are stopped, and the apps are saved in ${file}: \`hive resurrect\` brings them back`,
      { cause: error },
    );
  }
}
