import { constants as fsConstants, lstatSync, readFileSync, renameSync, rmSync, type Stats, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { httpOrigin } from '../bind-host.js';
import { acquirePidLock } from '../cluster/pid-lock.js';
import { writeTemp } from '../cluster/temp-file.js';
import { AppTable } from './app-table.js';
import { createControlServer, listen } from './control-server.js';
import { DaemonLogRotation } from './daemon-log.js';
import { DaemonLogWriter } from './daemon-log-writer.js';
import { DAEMON_METRICS_ENV, type DaemonMetricsSettings } from './daemon-metrics-settings.js';
import { daemonSettingsOf } from './daemon-settings-env.js';
import { dumpRemoved } from './dump-backup.js';
import { AppNotFoundError, DaemonSocketPathError, HiveHomeUnsafeError } from './errors.js';
import { checkSocketPathLength, ensureHome, type HivePaths } from './paths.js';
import type { AppStep, EnvResult, FlushResult, ReloadLogsResult, Request, SignalResult } from './protocol.js';
import { protocolRevision } from './protocol-revision.js';
import { hiveVersion } from './version.js';

/** Options of {@link runDaemon}. */
export interface DaemonOptions {
  /** Serve every app's metrics there (HIVE_DAEMON_METRICS_PORT); none when undefined. */
  metrics?: DaemonMetricsSettings | undefined;
}

/**
 * The daemon: one per user and HIVE_HOME. Serves the control socket until `kill` (or SIGTERM), which stops every app
 * gracefully before the process exits. Rejects with MetricsPortInUseError, before it listens on the control socket,
 * when `metrics` asks for a port it cannot bind: a daemon without the endpoint it was asked for must not run.
 */
export async function runDaemon(paths: HivePaths, options: DaemonOptions = {}): Promise<void> {
  // A daemon started otherwise than by the CLI (systemd's unit) refuses as the CLI does, before it makes the home.
  checkSocketPathLength(paths);
  ensureHome(paths);
  // The settings it read at its start (main.ts), as it read them: `hive update` gives them to its successor. Only
  // these named variables, never the rest of its environment.
  const settings = daemonSettingsOf(process.env);
  let rotation: DaemonLogRotation | undefined;
  const stamped = (line: string) => `${new Date().toISOString()} ${line}\n`;
  // Never throws: a line that cannot be written (a full disk) is dropped and counted, and the operation goes on.
  const stdout = new DaemonLogWriter(1, (dropped, failure) =>
    stamped(`writing daemon.log again (${dropped} line(s) of the daemon dropped after: ${failure})`),
  );
  const log = (line: string) => {
    rotation?.check();
    stdout.write(stamped(line));
  };
  // Taken before the socket is looked at: two daemons started at once over a stale socket (two CLI commands after a
  // SIGKILL) would otherwise both find it stale, and the second would delete the first's fresh socket and orphan it.
  const claim = acquirePidLock(paths.lock);
  if (!claim.acquired) {
    log(`daemon pid ${claim.holder} runs for ${paths.home}; exiting`);
    return;
  }
  const lock = claim.lock;
  // The daemon that runs rotates: one that exits for want of the lock leaves the file to it.
  rotation = new DaemonLogRotation(paths.daemonLog);
  rotation.check();
  // Lines written to stderr (log write failures, uncaught errors) do not pass through log(): checked now and then too.
  setInterval(() => rotation?.check(), 60_000).unref();
  // Held until the process is gone, however it goes; a SIGKILLed holder releases it by being dead.
  process.on('exit', () => lock.release());
  const stale = lstatOrUndefined(paths.socket);
  // Never removed (unlinking it failed with EISDIR, a crash): refused, which the command that started it reports.
  if (stale?.isDirectory()) throw new DaemonSocketPathError(paths.socket);
  if (stale !== undefined) {
    // A daemon of a Hive version without the lock. Only a socket is probed: a symlink (dangling, or to some other
    // service's socket) or a plain file left in its place is removed, never followed.
    if (stale.isSocket() && (await isAlive(paths.socket))) {
      log(`another daemon serves ${paths.socket}; exiting`);
      lock.release();
      return;
    }
    unlinkSync(paths.socket);
  }
  writePidFile(paths.pidFile);
  const apps = new AppTable(paths.logs, log, options.metrics !== undefined);
  let metricsUrl: string | null = null;
  if (options.metrics) {
    // Loaded only when asked for: prom-client is a good part of the daemon's start-up.
    const [{ startDaemonMetrics }, { exposedMetricsWarning }] = await Promise.all([
      import('./daemon-metrics.js'),
      import('../metrics/metrics-server.js'),
    ]);
    const server = await startDaemonMetrics(apps, options.metrics, log);
    metricsUrl = `${httpOrigin(server.host, server.port)}/metrics`;
    log(`metrics of every app on ${metricsUrl}, health on /healthz and /readyz`);
    const exposed = exposedMetricsWarning(server, DAEMON_METRICS_ENV.host);
    if (exposed !== undefined) log(`warning: ${exposed}`);
  }
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= (async () => {
      log('stopping every app');
      await apps.stopAll();
      server.close();
      try {
        unlinkSync(paths.socket);
      } catch {}
      // Only after the unlink: a daemon that took the lock earlier would bind a socket this unlink then deleted.
      lock.release();
      log('daemon exits');
      // Open client connections and timers must not keep a killed daemon alive.
      setImmediate(() => process.exit(0));
    })();
    return killing;
  };
  const handle = async (request: Request, progress: (value: unknown) => void): Promise<unknown> => {
    // Each app done, as a `{ step }` frame, for a request that asked (`steps`: a terminal's progress lines).
    const steps = (asked: { steps?: boolean | undefined }) =>
      asked.steps === true ? (step: AppStep) => progress({ step }) : undefined;
    switch (request.cmd) {
      case 'ping':
        return {
          version: hiveVersion,
          protocol: protocolRevision,
          pid: process.pid,
          home: paths.home,
          uptime: Math.round(process.uptime() * 1000),
          metrics: metricsUrl,
          // The Node.js the apps' primaries run on (process.execPath), which `hive update` makes the one it is run
          // with: a CLI on another node names this one in what it says of the apps (cli/daemon-node.ts).
          node: process.version,
          // Its DAEMON_SETTINGS_ENV as [name, value] pairs (absent from a build before it): `hive update` carries them.
          settings,
        };
      case 'ls':
        return apps.list();
      case 'describe':
        // One app; `hive logs` without a target (or `all`) lists every app with `ls`.
        if (request.target === 'all') throw new AppNotFoundError('all', 'describe takes one app; `hive ls` lists them');
        return apps.info(apps.one(request.target));
      case 'env': {
        if (request.target === 'all') throw new AppNotFoundError('all', 'env takes one app');
        const app = apps.one(request.target);
        return { id: app.id, name: app.name, env: app.environment(), own: app.ownEnvironment() } satisfies EnvResult;
      }
      case 'start':
        return apps.start(request.app, {
          replace: request.replace === true,
          updateEnv: request.updateEnv === true,
          warn: (warning) => progress({ warning }),
        });
      case 'reloadLogs':
        return { reopened: await apps.reopenLogs(() => progress({ waiting: 'rotation' })) } satisfies ReloadLogsResult;
      case 'flush': {
        // As pm2 flush: every app's logs and the daemon's own. Its stdout and stderr are daemon.log opened O_APPEND
        // (client.ts), so its next line lands at the start of the emptied file, not at its old offset.
        const every = request.target === undefined || request.target === 'all';
        const waiting = () => progress({ waiting: 'rotation' });
        const result: FlushResult = { apps: await apps.flush(request.target ?? 'all', waiting), daemonLog: null };
        if (every) {
          await truncateDaemonLog(paths.daemonLog);
          result.daemonLog = paths.daemonLog;
        }
        return result;
      }
      case 'stop':
        return apps.each(request.target, (app) => app.stop(), request.by, { verb: 'stopped', onStep: steps(request) });
      case 'restart':
        return apps.each(
          request.target,
          (app) => app.restart(request.shellEnv, (warning) => progress({ warning })),
          request.by,
          { inTurn: true, verb: 'restarted', onStep: steps(request) },
        );
      case 'reload':
        return apps.reload(
          request.target,
          progress,
          {
            shellEnv: request.shellEnv,
            env: request.env,
            origin: request.origin,
            warn: (warning) => progress({ warning }),
          },
          request.by,
          steps(request),
        );
      case 'reset':
        return apps.reset(request.target, request.by);
      case 'snapshot':
        return apps.snapshot(request.target, request.requests === true);
      case 'delete':
        return apps.delete(request.target, request.by);
      case 'signal': {
        // `all` and signals that stop a process are refused by the request schema.
        const app = apps.one(request.target);
        const pids = app.signal(request.signal as NodeJS.Signals | number);
        return { id: app.id, name: app.name, signal: request.signal, pids } satisfies SignalResult;
      }
      case 'scale': {
        if (request.target === 'all') throw new AppNotFoundError('all', 'scale takes one app');
        return apps.infoAfter(apps.one(request.target), (app) => app.scale(request.instances));
      }
      case 'save':
        return apps.save(
          paths.dump,
          (warning) => progress({ warning }),
          () => progress({ waiting: 'resurrect' }),
        );
      case 'resurrect':
        // A symlink to a file that is not there (a volume not mounted yet at boot) is a dump that cannot be read, read
        // from the backup, not a dump removed.
        if (dumpRemoved(paths.dump)) return [];
        // `readFrom`: the file the command then names (`nothing to resurrect: <file> ...`).
        return apps.resurrect(paths.dump, (warning, backup) => progress({ warning, readFrom: backup }), steps(request));
      case 'kill':
        // The reply goes out after the apps are stopped, so `hive kill` returning means they are gone.
        await apps.stopAll();
        setImmediate(() => void kill());
        return { pid: process.pid };
    }
  };
  const server = createControlServer(handle, log);
  await listen(server, paths.socket);
  log(`daemon ${hiveVersion} pid ${process.pid} listening on ${paths.socket}`);
  process.on('SIGTERM', () => void kill());
  process.on('SIGINT', () => void kill());
  process.on('SIGHUP', () => {});
  // One bad app event must not take every app's manager down; the error is logged for the bug report.
  // Worded as no app's line is (`<app>: `): `hive logs` would take `uncaught: ` for an app named `uncaught`'s.
  // Neither may throw: an error in the handler comes back to it (`throw null` has no stack to read, either).
  process.on('uncaughtException', (error) => log(`uncaught exception: ${stackOf(error)}`));
  process.on('unhandledRejection', (error) => log(`unhandled rejection: ${stackOf(error)}`));
}

/**
 * Writes this process's pid to `file` (whole, by rename: systemd may read it at any time) and removes it at exit if it
 * is still this process's. One left by a SIGKILLed daemon names a dead pid, which systemd and the next daemon ignore.
 */
function writePidFile(file: string): void {
  // Random, exclusive and O_NOFOLLOW: `daemon.pid.<pid>.tmp` could be planted as a symlink beforehand.
  const temporary = writeTemp(file, `${process.pid}\n`);
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  process.on('exit', () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {}
  });
}

function stackOf(error: unknown): string {
  try {
    return (error as Error)?.stack ?? String(error);
  } catch {
    return 'a value that cannot be printed';
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isAlive(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Empties daemon.log; a symlink in its place is refused, not followed (truncating whatever file it points to). */
async function truncateDaemonLog(file: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ELOOP')
      throw new HiveHomeUnsafeError(file, 'is a symbolic link', 'remove it; Hive writes daemon.log itself');
    throw error;
  }
  try {
    await handle.truncate(0);
  } finally {
    await handle.close();
  }
}
