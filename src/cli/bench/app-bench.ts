import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HiveError } from '../../errors.js';
import { type BenchConfiguration, CONFIGURATIONS } from './configurations.js';
import { BenchServerError } from './errors.js';
import { freePort, portIsFree } from './free-port.js';
import { type LoadFigures, type LoadRun, startLoad } from './load-run.js';
import { hiveNginxConfig, nginxMissing, nginxSocketFolder, startNginx } from './nginx-front.js';
import { type ServedProcess, startServedProcess } from './served-process.js';
import type { StatusLine } from './status-line.js';

/** The mixed workload of `hive bench` (no URL). */
export interface AppBenchOptions {
  /** Seconds of load per configuration. */
  duration: number;
  /** Connections in all; `heavyConnections` of them send heavy requests, the rest light ones. */
  connections: number;
  heavyConnections: number;
  /** The heavy request computes fib(heavyN). */
  heavyN: number;
  /** Configuration names to run (all when undefined). */
  only?: readonly string[] | undefined;
  /** The app's port in every configuration, nginx's the next one; undefined: free ports picked at random. */
  port?: number | undefined;
  status: StatusLine;
  /** Aborting ends the load in progress and runs nothing more (Ctrl-C). */
  signal?: AbortSignal;
}

/** One configuration's figures: the light route `/` and the heavy route, measured separately at the same time. */
export interface ConfigurationResult {
  name: string;
  label: string;
  instances: '1' | 'max';
  /**
   * The app's processes serving it (hive run's workers ready): `max` is the cores this machine lets the bench use, so
   * on one core a cluster is one process and its rows measure what the single-process ones do.
   */
  processes: number;
  heavyRoute: string;
  nginx: boolean;
  light: LoadFigures;
  heavy: LoadFigures;
  /** Errors, time-outs and non-2xx responses of both routes. */
  errors: number;
  /** The app's processes that crashed (and hive run restarted) during the warm-up and the load. */
  crashes: number;
}

/** The `--json` output of `hive bench`. */
export interface AppBenchReport {
  bench: 'hive-bench';
  node: string;
  cpus: number;
  startedAt: string;
  loadavg: { before: number; after: number };
  duration: number;
  connections: { light: number; heavy: number };
  heavyN: number;
  configurations: ConfigurationResult[];
  /** Configurations not run, and why (nginx missing). */
  skipped: { name: string; reason: string }[];
  /** Configurations that could not be measured. */
  failed: { name: string; code: string; message: string }[];
  /**
   * True when the run was interrupted (Ctrl-C) and a configuration was cut or not run because of it: the figures are of
   * the configurations measured in full until then; the one under load (or warming up) when it came is left out. A
   * signal that cut nothing (while the last servers stop) leaves it false.
   */
  interrupted: boolean;
}

const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
const hiveCli = fileURLToPath(new URL('../hive.js', import.meta.url));
/** The app every configuration serves (in the repository; see docs/benchmarks.md). */
export const API_EXAMPLE = fileURLToPath(new URL('../../../examples/api/server.ts', import.meta.url));

/**
 * Runs each selected configuration in turn and returns the figures. Configurations sharing a process count share one
 * `hive run` (the inline and pool ones differ only in the route the heavy requests take), so a run starts two clusters,
 * plus nginx when it is installed.
 */
export async function runAppBench(options: AppBenchOptions): Promise<AppBenchReport> {
  const report: AppBenchReport = {
    bench: 'hive-bench',
    node: process.version,
    cpus: availableParallelism(),
    startedAt: new Date().toISOString(),
    loadavg: { before: round2(loadavg()[0]!), after: 0 },
    duration: options.duration,
    connections: { light: options.connections - options.heavyConnections, heavy: options.heavyConnections },
    heavyN: options.heavyN,
    configurations: [],
    skipped: [],
    failed: [],
    interrupted: false,
  };
  const selected = CONFIGURATIONS.filter((c) => options.only === undefined || options.only.includes(c.name));
  const noNginx = nginxMissing();
  for (const instances of ['1', 'max'] as const) {
    const group = selected.filter((c) => c.instances === instances);
    const runnable = group.filter((c) => !c.nginx || noNginx === undefined);
    for (const c of group) if (!runnable.includes(c)) report.skipped.push({ name: c.name, reason: noNginx ?? '' });
    if (runnable.length === 0) continue;
    // A group not started: its configurations were not run.
    if (options.signal?.aborted) report.interrupted = true;
    else await runGroup(instances, runnable, options, report);
  }
  report.loadavg.after = round2(loadavg()[0]!);
  return report;
}

async function runGroup(
  instances: '1' | 'max',
  group: readonly BenchConfiguration[],
  options: AppBenchOptions,
  report: AppBenchReport,
): Promise<void> {
  const servers: ServedProcess[] = [];
  try {
    options.status.show(`starting hive run -i ${instances} examples/api ...`);
    // nginx reaches the app on a Unix socket, as Hive sets nginx up on the app's machine (hive run --socket).
    const app = await startApi(
      instances,
      group[0]!.name,
      group.some((c) => c.nginx),
      options.port,
      options.signal,
    );
    servers.push(app);
    let front: ServedProcess | undefined;
    for (const configuration of group) {
      if (options.signal?.aborted) {
        report.interrupted = true;
        return;
      }
      try {
        let port = app.port;
        if (configuration.nginx) {
          options.status.show(`starting nginx in front of hive run -i ${instances} ...`);
          if (front === undefined) {
            // nginx listens on 127.0.0.1 (hiveNginxConfig).
            const nginxPort = await benchPort(
              options.port === undefined ? undefined : options.port + 1,
              configuration.name,
              '127.0.0.1',
            );
            const config = hiveNginxConfig(nginxPort, app.port, app.socket);
            front = await startNginx(config, nginxPort, configuration.name, options.signal);
            servers.push(front);
          }
          port = front.port;
        }
        const result = await measure(configuration, port, options, app);
        if (result !== undefined) report.configurations.push(result);
        else report.interrupted = true;
      } catch (error) {
        // Interrupted while its server started: left out as unfinished, not failed.
        if (options.signal?.aborted) report.interrupted = true;
        else report.failed.push(failure(configuration.name, error));
      }
    }
  } catch (error) {
    if (options.signal?.aborted) report.interrupted = true;
    else for (const configuration of group) report.failed.push(failure(configuration.name, error));
  } finally {
    // A signal from here on cuts nothing: the figures are whole, and the run is not said to be interrupted for it.
    options.status.show('stopping ...');
    for (const server of servers.reverse()) await server.stop();
  }
}

/**
 * The port given (refused when taken: the readiness check would reach the server holding it, or the server fail to
 * bind it), or a free one; checked on `host` as the server binds it (undefined: every address, as examples/api does).
 */
async function benchPort(port: number | undefined, label: string, host?: string): Promise<number> {
  if (port === undefined) return freePort(host);
  if (!(await portIsFree(port, host))) {
    const where = host ?? 'every address (:: and 0.0.0.0, as examples/api listens)';
    // "checked on": a port held on one address only (127.0.0.1) is taken for a server that binds them all.
    throw new BenchServerError(label, `port ${port} is taken (checked on ${where}) (--port)`);
  }
  return port;
}

/** `hive run` of the api example; with `socket`, also on a Unix socket in a temp folder (removed when it stops). */
async function startApi(
  instances: '1' | 'max',
  label: string,
  socket: boolean,
  fixedPort: number | undefined,
  signal: AbortSignal | undefined,
): Promise<ServedApi> {
  if (!existsSync(API_EXAMPLE)) {
    throw new BenchServerError(label, `${API_EXAMPLE} not found: hive bench runs the repository's examples/api`);
  }
  const port = await benchPort(fixedPort, label);
  // A minute to become ready, not the default 10 s: on a loaded machine (load average 40 on 2 cores, seen in CI-like
  // runs) loading the TypeScript app took longer, and a configuration failed that would have measured fine.
  const args = [
    ...[hiveCli, 'run', API_EXAMPLE, '-i', instances, '--port', String(port), '--name', 'bench-api'],
    ...['--listen-timeout', '60s'],
  ];
  // Its stdout is read for the processes that crash mid-run, counted and said (the text format: its stderr, the app's,
  // stays where a failed start quotes it from).
  let crashes = 0;
  const ready = new Set<string>();
  const folder = socket ? nginxSocketFolder('api.sock') : undefined;
  if (folder) args.push(...folder.runArgs);
  const app = await startServedProcess({
    label,
    command: process.execPath,
    args,
    cwd: packageRoot,
    port,
    // Every process of the cluster up and listening, not only the first to answer.
    settleMs: 1000,
    cleanup: () => folder?.remove(),
    signal,
    onStdoutLine: (line) => {
      if (isCrashRestart(line)) crashes += 1;
      const slot = readySlot(line);
      if (slot !== undefined) ready.add(slot);
    },
  });
  return Object.assign(app, { socket: folder?.socket, crashes: () => crashes, processes: () => ready.size });
}

/** `hive run` of examples/api as the bench reads it: its crashes and its processes so far. */
interface ServedApi extends ServedProcess {
  socket: string | undefined;
  crashes: () => number;
  /** The worker slots that have been ready (a slot restarted counts once). */
  processes: () => number;
}

// hive run's line for a worker that is ready (`[hive] bench-api: worker 1 (pid 42) ready`): its slot number.
function readySlot(line: string): string | undefined {
  return /^\[hive\] bench-api: worker (\d+) \(pid \d+\) ready$/.exec(line)?.[1];
}

// hive run's line for a process that exited on its own (`[hive] bench-api: worker 0 (pid 42) exited with code 7
// (crash)`), not one retired or sent a signal by someone.
function isCrashRestart(line: string): boolean {
  return /^\[hive\] bench-api: worker \d+ \(pid \d+\) exited .*\(crash\)$/.test(line);
}

/**
 * Light and heavy load at the same time, each route measured by its own autocannon. Undefined when `options.signal`
 * aborts first (during the warm-up or the load): a run cut short is not a run of `duration` seconds.
 */
async function measure(
  configuration: BenchConfiguration,
  port: number,
  options: AppBenchOptions,
  app: Pick<ServedApi, 'crashes' | 'processes'>,
): Promise<ConfigurationResult | undefined> {
  const crashes = app.crashes;
  const crashesBefore = crashes();
  const base = `http://127.0.0.1:${port}`;
  const heavyRoute = `${configuration.heavyPath}?n=${options.heavyN}`;
  options.status.show(`${configuration.name}: warming up ...`);
  await warmUp(configuration.name, base, configuration.heavyPath);
  // An abort during the warm-up has fired already: the listener below would never hear of it.
  if (options.signal?.aborted) return undefined;
  const counts = { light: 0, heavy: 0 };
  const started = Date.now();
  const show = () => {
    const elapsed = Math.min(options.duration, Math.round((Date.now() - started) / 1000));
    options.status.show(
      `${configuration.name}: ${elapsed}/${options.duration} s, ${counts.light} light and ${counts.heavy} heavy responses`,
    );
  };
  show();
  const runs: LoadRun[] = [
    startLoad(
      { url: `${base}/`, connections: options.connections - options.heavyConnections, duration: options.duration },
      (n) => {
        counts.light = n;
        show();
      },
    ),
    startLoad(
      { url: `${base}${heavyRoute}`, connections: options.heavyConnections, duration: options.duration },
      (n) => {
        counts.heavy = n;
        show();
      },
    ),
  ];
  let cut = false;
  const stopAll = () => {
    cut = true;
    for (const run of runs) run.stop();
  };
  options.signal?.addEventListener('abort', stopAll, { once: true });
  try {
    const [light, heavy] = await Promise.all(runs.map((run) => run.done));
    if (cut) return undefined;
    const errors = [light!, heavy!].reduce((sum, r) => sum + r.errors + r.non2xx, 0);
    return {
      name: configuration.name,
      label: configuration.label,
      instances: configuration.instances,
      processes: app.processes(),
      heavyRoute,
      nginx: configuration.nginx,
      light: light!,
      heavy: heavy!,
      errors,
      crashes: crashes() - crashesBefore,
    } satisfies ConfigurationResult;
  } catch (error) {
    stopAll();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
  }
}

// The first requests pay for tsx compiling the app and the task module, and the pool starting its threads: not what
// the figures are about. A few small heavy requests per process, and a few light ones, go first. A route that answers
// them with an error fails the configuration: its load would count the errors in its req/s (autocannon counts every
// response), as if the route worked.
async function warmUp(label: string, base: string, heavyPath: string): Promise<void> {
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) });
    const body = await response.text();
    if (!response.ok) {
      throw new BenchServerError(
        label,
        `GET ${path} answered ${response.status} in the warm-up: ${body.slice(0, 300)}`,
      );
    }
  };
  const paths = [...Array(2 * availableParallelism()).fill(`${heavyPath}?n=20`), ...Array(8).fill('/')] as string[];
  await Promise.all(paths.map(get));
}

function failure(name: string, error: unknown): AppBenchReport['failed'][number] {
  // A server shared by the group (hive run) names the group's first configuration: each row names its own.
  if (error instanceof BenchServerError) return { name, code: error.code, message: `${name}: ${error.reason}` };
  if (error instanceof HiveError) return { name, code: error.code, message: error.message };
  return { name, code: 'ERROR', message: error instanceof Error ? error.message : String(error) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
