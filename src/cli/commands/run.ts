import { httpOrigin } from '../../bind-host.js';
import { appErrored } from '../../cluster/app-errored.js';
import { primaryOutput } from '../../cluster/bounded-output.js';
import { AppErroredError } from '../../cluster/errors.js';
import { formatEvent, formatLine, lastExitText } from '../../cluster/log-format.js';
import { OutputHold } from '../../cluster/output-hold.js';
import { type LastExit, Supervisor, type SupervisorEvent, type WorkerLine } from '../../cluster/supervisor.js';
import { claimAppId } from '../../daemon/primary-app-id.js';
import { restoreAppNodeOptions } from '../../daemon/primary-node-options.js';
import type { DashboardServer } from '../../dashboard/dashboard-server.js';
import { shortTokenWarning } from '../../dashboard/token-check.js';
import { EXIT_FLUSH_TIMEOUT_MS, exitAtLineEnd } from '../../exit-flushed.js';
import type { MetricsServer } from '../../metrics/index.js';
import type { AppSnapshotCollector } from '../../metrics/snapshot.js';
import { helpHint, isArgumentError } from '../../parse-args-message.js';
import { writeWholeLines } from '../../whole-line-writes.js';
import { parseRunArgs, type RunArgs, runUsage } from '../run-args.js';
import { daemonControl } from '../run-control.js';
import { printFatal, requestedLogFormat } from '../run-fatal.js';
import { watchForReload } from '../run-watch.js';

// As PID 1 (a container's command with no init), the kernel hands hive run every orphan of the container to reap,
// which Node never does, and drops a signal that has no handler yet.
const PID_1_WARNING =
  'hive run is PID 1 (a container with no init): the processes an app leaves behind (a child of a child) are never ' +
  'reaped and stay zombies, and a signal sent before hive run set its handlers is lost; run it under an init ' +
  "(`docker run --init`, or tini as the image's ENTRYPOINT, as in the Dockerfile `hive deploy` writes)";

/**
 * A primary's last output waits this long at most for its reader (src/cli/hive.ts): one stopped by systemd, Docker
 * or the daemon must exit, whether or not anything still reads its stdout.
 */
export const exitFlushTimeoutMs = EXIT_FLUSH_TIMEOUT_MS;

/**
 * A stop signal that repeats the last one within this window counts once (docs/cluster.md): a tool's burst to the
 * process and its group comes within a millisecond or so, and no one presses Ctrl-C twice in 100 ms.
 */
const REPEATED_SIGNAL_MS = 100;

/**
 * `hive run <script> [options]`: the cluster primary in the foreground (containers, systemd, Kubernetes,
 * development). Exit codes: 0 after a graceful stop (a worker SIGKILLed past --kill-timeout included: that is the
 * stop's configured escalation, reported by its `killed` event), 1 when the app cannot run (every slot errored too,
 * unless --no-exit-on-error, --watch or forked by the daemon) or the stop was forced, 2 on bad input; when the app
 * ended by itself (every process left down by autorestart or stopExitCodes), the last process's exit code (1 if a
 * signal ended it), except under --watch, where the run waits for a change to start the app again.
 */
export default async function run(argv: string[]): Promise<number> {
  // The app's id is the daemon's to give: one inherited by a `hive run` started from inside a managed app would number
  // its pm_ids from the outer app's (cluster/pm-id.ts). Told once, here: the daemon's mark is gone after this.
  const forkedByDaemon = claimAppId();
  // The app's NODE_OPTIONS the daemon kept from this primary (a permission flag would have stopped it): its processes'.
  restoreAppNodeOptions();
  let args: RunArgs;
  let supervisor: Supervisor;
  try {
    args = parseRunArgs(argv);
    if (args.help) {
      process.stdout.write(`${runUsage}\n`);
      return 0;
    }
    // Refuses a missing script or a directory too (ERR_HIVE_SCRIPT_NOT_FOUND): bad input, exit 2, nothing forked.
    supervisor = new Supervisor(args.supervisor);
  } catch (error) {
    // Only a bad argument points to the options (not a script that is not there), at the end of its one line. The daemon
    // reads the record's message, never its hint: the reason a start failed stays the error's own.
    // A JSON record has the hint in a field of its own, whatever its message says, for a pipeline to rely on.
    const format = requestedLogFormat(argv);
    const json = format === 'json' && isArgumentError(error);
    printFatal(format, undefined, error, json ? '; see hive run --help' : helpHint(error, 'run'));
    return 2;
  }
  const { logFormat } = args;
  // A closed stdout (`hive run app.js | head`) must not take the primary, and with it the app, down.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  // An exit before the reader took everything ends at a line's end, not in a record (exitAtLineEnd).
  writeWholeLines(process.stdout);
  writeWholeLines(process.stderr);
  const name = supervisor.options.name;
  // A reader that stalls (a full `| less`, a stopped log shipper) must not grow the primary's memory with the app's
  // output: past a backlog its lines are dropped, and the gap is marked by a warning event.
  // In text mode the mark, a warning, goes to stderr as the other warnings do; JSON events all go to stdout.
  const bounded = (stream: NodeJS.WriteStream, label: string) =>
    primaryOutput(stream, logFormat, name, label, logFormat === 'text' ? process.stderr : stream);
  const stdout = bounded(process.stdout, 'stdout');
  const stderr = bounded(process.stderr, 'stderr');
  // Before that bound, a reader that is only slow (a log shipper, the daemon busy with a burst) holds the app's
  // stdout, which waits in the app then, rather than having lines dropped here (see OutputHold).
  supervisor.holdOutput(new OutputHold(process.stdout));
  supervisor.on('line', (line: WorkerLine) => {
    const out = logFormat === 'text' && line.stream === 'stderr' ? stderr : stdout;
    // In JSON both share stdout: the stderr lines get the reserve there (BoundedOutput).
    out.appLine(`${formatLine(logFormat, name, line)}\n`, out === stdout && line.stream === 'stderr');
  });
  supervisor.on('event', (event: SupervisorEvent) => {
    // For programs (the JSON lines, which the daemon reads): in text, `ready` tells that a process is up.
    if (logFormat === 'text' && event.type === 'worker' && event.state === 'starting') return;
    // --watch's wait for a change tells it, exit code and all, on one line.
    if (logFormat === 'text' && event.type === 'ended') return;
    const toStderr = logFormat === 'text' && (event.type === 'errored' || event.type === 'warning');
    const out = toStderr ? stderr : stdout;
    out.write(`${formatEvent(logFormat, name, event)}\n`);
  });

  let signalled = 0;
  let exitCode = 0;
  // Every slot errored: nothing serves and nothing will be restarted. In the foreground (a container's entrypoint, a
  // systemd unit) the primary exits then, as pm2-runtime does, so that what runs it restarts it; a liveness probe on
  // /healthz would never fail otherwise. The daemon keeps its primaries up: it shows the errored app, and a reload
  // (`hive reload`) revives it. Not any IPC channel: a `hive run` that a script forked has one too, and must exit.
  // Under --watch it stays up too, as nodemon does: the developer's next save is the fix, which the change's reload
  // starts (a failed first start included: see supervisor.start below).
  const exitOnError = !args.keepErrored && !forkedByDaemon && !args.watch;
  const sayWatch = (text: string) => stdout.write(`${formatWatch(logFormat, name, text)}\n`);
  let erroredOut = false;
  // Printed once the stop is over, as a failed start's: the `fatal` record is the run's last.
  let erroredFatal: AppErroredError | undefined;
  // Under --watch: the wait for a change is said once per failed attempt (the start, each reload), after the attempt's
  // own report (`reload aborted`): a replacement that exits at load leaves the app errored before that is said.
  let reloading = false;
  let waitSaid = false;
  const checkErrored = () => {
    if (erroredOut || signalled > 0 || supervisor.state === 'stopping' || supervisor.state === 'stopped') return;
    if (!appErrored(supervisor)) return;
    if (args.watch) {
      // A failed start is said once every slot's is over: its `state` event (errored) comes then.
      if (reloading || waitSaid || supervisor.state === 'starting') return;
      sayWatch('every process is errored; waiting for a file change to start the app again');
      waitSaid = true;
      return;
    }
    erroredOut = true;
    const errored = supervisor.slots.filter((slot) => slot.state === 'errored').map((slot) => slot.instance);
    erroredFatal = new AppErroredError(errored);
    void supervisor.stop();
  };
  if (exitOnError || args.watch) {
    supervisor.on('event', (event: SupervisorEvent) => {
      if (event.type === 'reload') {
        reloading = event.phase === 'start';
        if (reloading) waitSaid = false;
      }
      // Said by the supervisor once per attempt (the start, each reload), after the attempt's own report.
      if (event.type === 'ended') {
        sayWatch(`app ended (${lastExitText(event.lastExit)}); waiting for a file change to start it again`);
      }
      // After the exit's own handling, which clears the slot's process (and errors the slot or leaves it down).
      if (['exit', 'errored', 'reload', 'state'].includes(event.type)) queueMicrotask(checkErrored);
    });
  }
  // The run's exit code, once it is over: its last output may still wait for its reader then (exitFlushed).
  let result: number | undefined;
  let lastStopSignal: { signal: NodeJS.Signals | undefined; at: number } | undefined;
  const onStopSignal = (signal?: NodeJS.Signals) => {
    // Over: a stop now ends the wait for the reader with the run's own code, not by the signal's default action
    // (130/143), which it would be with no handler left.
    if (result !== undefined) exitAtLineEnd(result);
    // The same signal again at once is the same stop, not a second one that forces it: GNU timeout sends it to this
    // process, then to its whole process group, this one included.
    const at = performance.now();
    const last = lastStopSignal;
    if (last !== undefined && last.signal === signal && at - last.at < REPEATED_SIGNAL_MS) return;
    lastStopSignal = { signal, at };
    signalled += 1;
    // SIGINT is a Ctrl-C: the terminal sent it to the whole process group, the app processes included.
    if (signalled === 1) void supervisor.stop(signal === 'SIGINT' ? { signal } : {});
    else {
      exitCode = 1;
      void supervisor.forceStop();
    }
  };
  const onHangup = () => {
    // Over: nothing to reload, and a hangup must not end the wait for the reader by its default action either.
    if (result !== undefined) return;
    // An aborted reload is reported as an event; the old workers keep serving.
    supervisor.reload().catch(() => {});
  };
  process.on('SIGTERM', onStopSignal);
  process.on('SIGINT', onStopSignal);
  process.on('SIGHUP', onHangup);
  // Forked by the daemon (`hive start`): reload, scale and snapshot requests arrive over IPC, each answered. Keyed on
  // the channel, not on forkedByDaemon: any parent may speak this protocol (test/cli/run-control.test.ts does), and
  // one that dies must not leave its `hive run` holding the port either.
  const onControl = process.send ? daemonControl(supervisor) : () => {};
  // The daemon gone (killed, crashed): stop gracefully rather than live on as an orphan no one can manage, holding
  // the port a resurrected copy needs.
  const onDaemonGone = () => onStopSignal();
  if (process.send) {
    process.on('message', onControl);
    process.once('disconnect', onDaemonGone);
    process.channel?.unref();
    // Gone already: a daemon that died (or ended) in the moments this process took to get here, whose channel's
    // 'disconnect' came before anyone listened.
    if (!process.connected) onDaemonGone();
  }
  let metrics: MetricsServer | undefined;
  let dashboard: DashboardServer | undefined;
  let collector: AppSnapshotCollector | undefined;
  let watcher: { close(): void } | undefined;
  // A stop closes the watcher at once: a change during the drain has nothing to reload.
  supervisor.on('event', (event: SupervisorEvent) => {
    if (event.type === 'state' && (event.state === 'stopping' || event.state === 'stopped')) watcher?.close();
  });
  // As PID 1 (a container's command with no init), the kernel hands hive run every orphan of the container to reap,
  // which Node never does (they stay zombies), and ignores a signal sent before its handlers are set.
  if (process.pid === 1) {
    (logFormat === 'text' ? stderr : stdout).write(
      `${formatEvent(logFormat, name, { type: 'warning', message: PID_1_WARNING })}\n`,
    );
  }
  try {
    if (args.metrics) {
      // Before the workers: a taken port fails the run before anything was forked. Loaded only when asked for:
      // prom-client would add a good part of the primary's start-up time.
      const { exposedMetricsWarning, startClusterMetrics } = await import('../../metrics/index.js');
      // Liveness fails once nothing runs and nothing will be restarted: under --no-exit-on-error (or the daemon) a
      // probe on /healthz is then what gets the app restarted.
      metrics = await startClusterMetrics(supervisor, { ...args.metrics, down: () => downText(supervisor) });
      process.stdout.write(`${formatMetricsListening(logFormat, name, metrics)}\n`);
      // As the supervisor's warnings: on stderr in text, a record in JSON, which the daemon writes to the app's log.
      const exposed = exposedMetricsWarning(metrics, '--metrics-host');
      if (exposed !== undefined) {
        (logFormat === 'text' ? stderr : stdout).write(
          `${formatEvent(logFormat, name, { type: 'warning', message: exposed })}\n`,
        );
      }
    }
    if (args.dashboard) {
      // As the supervisor's warnings: on stderr in text, a record among the others in JSON (which the daemon reads).
      const weak = shortTokenWarning(args.dashboard.token);
      if (weak !== undefined) {
        (logFormat === 'text' ? stderr : stdout).write(
          `${formatEvent(logFormat, name, { type: 'warning', message: weak })}\n`,
        );
      }
      // Also before the workers, so the charts hold the start, and a taken port fails the run first.
      const [{ AppSnapshotCollector, localSnapshotSource }, { startDashboard }] = await Promise.all([
        import('../../metrics/snapshot.js'),
        import('../../dashboard/dashboard-server.js'),
      ]);
      collector = new AppSnapshotCollector(supervisor);
      dashboard = await startDashboard(localSnapshotSource([collector]), args.dashboard);
      process.stdout.write(`${formatDashboardListening(logFormat, name, dashboard, args.dashboard.token)}\n`);
    }
    // Before the workers: a change while they start reloads once they are up (the reload waits for the start), and
    // a watch that cannot be set up (no inotify watches left) fails the run before anything was forked.
    if (args.watch) {
      // A warning as the supervisor's: on stderr in text, a record among the others in JSON.
      const warn = (message: string) =>
        (logFormat === 'text' ? stderr : stdout).write(
          `${formatEvent(logFormat, name, { type: 'warning', message })}\n`,
        );
      watcher = watchForReload(supervisor, args.watch, sayWatch, warn);
    }
    // Under --watch an app that ends by itself (--no-autorestart, --stop-exit-codes) waits for a change too, as
    // nodemon's clean exit does: the change's reload starts a process in every slot again.
    const watching = args.watch !== undefined;
    await supervisor.start({ erroredOnFailure: watching, keepEnded: watching });
    const ended = await new Promise<LastExit | undefined>((resolve) => {
      const check = (event: SupervisorEvent) => {
        if (event.type === 'state' && event.state === 'stopped') resolve(event.lastExit);
      };
      supervisor.on('event', check);
      if (supervisor.state === 'stopped') resolve(undefined);
    });
    // The app ended by itself (every process left down): its last process's code is the run's, as a job's result.
    if (erroredFatal !== undefined) printFatal(logFormat, name, erroredFatal);
    if (erroredOut && signalled === 0) result = 1;
    else result = ended && signalled === 0 ? (ended.code ?? 1) : exitCode;
  } catch (error) {
    // Every slot errored during the start: the run's own stop is what failed the start, and the errored app is why.
    if (erroredFatal !== undefined) printFatal(logFormat, name, erroredFatal);
    else if (signalled === 0) printFatal(logFormat, name, error);
    result = signalled > 0 ? exitCode : 1;
  } finally {
    watcher?.close();
    await metrics?.close();
    await dashboard?.close();
    collector?.close();
    // The signal handlers stay until the process exits (see onStopSignal).
    process.off('message', onControl);
    process.off('disconnect', onDaemonGone);
  }
  return result;
}

// Why `/healthz` answers 503: no process runs, and none will until a reload (--no-exit-on-error) or a file change
// (--watch); undefined while the app runs or will by itself.
function downText(supervisor: Supervisor): string | undefined {
  if (appErrored(supervisor)) return 'errored: no process runs or will';
  if (supervisor.endedKept) return 'ended: every process exited and was left down; none runs until a reload';
  return undefined;
}

// A watched file's change, as the daemon logs it for `hive start --watch` (`<file> changed; reloading`).
function formatWatch(format: RunArgs['logFormat'], app: string, message: string): string {
  if (format === 'json') {
    return JSON.stringify({ kind: 'event', time: new Date().toISOString(), app, type: 'watch', message });
  }
  return `[hive] ${app}: ${message}`;
}

function formatMetricsListening(format: RunArgs['logFormat'], app: string, server: MetricsServer): string {
  const url = httpOrigin(server.host, server.port);
  if (format === 'json') {
    return JSON.stringify({ kind: 'event', time: new Date().toISOString(), app, type: 'metrics', url });
  }
  return `[hive] ${app}: metrics on ${url}/metrics, health on /healthz and /readyz`;
}

function formatDashboardListening(
  format: RunArgs['logFormat'],
  app: string,
  server: DashboardServer,
  token: string | undefined,
): string {
  // The token stays out of the logs: whoever reads them should not get into the dashboard by it.
  const note = token === undefined ? '' : ' (open it with ?token=<your token>)';
  if (format === 'json') {
    return JSON.stringify({
      kind: 'event',
      time: new Date().toISOString(),
      app,
      type: 'dashboard',
      url: server.url,
      token: token !== undefined,
    });
  }
  return `[hive] ${app}: dashboard on ${server.url}${note}`;
}
