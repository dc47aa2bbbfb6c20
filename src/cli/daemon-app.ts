import { resolve } from 'node:path';
import { DaemonClient } from '../daemon/client.js';
import { DaemonNotRunningError } from '../daemon/errors.js';
import { listeningPorts } from '../daemon/listening-ports.js';
import { hivePaths } from '../daemon/paths.js';
import type { AppInfo, EnvResult } from '../daemon/protocol.js';
import type { DaemonDeployApp } from '../edge/daemon-app-deploy.js';
import type { DaemonApp } from '../edge/daemon-app-site.js';
import { inspectorPorts } from '../edge/inspector-ports.js';
import { HiveError } from '../errors.js';
import { errorLine } from './error-line.js';

/**
 * One app as the running daemon of `$HIVE_HOME` has it: `describe`'s answer, the environment its processes are
 * started in, and its own env alone (no shell's). Never starts a daemon: throws `DaemonNotRunningError` (with `hint`)
 * when none runs, and the daemon's `ERR_HIVE_APP_NOT_FOUND` for an app it does not have. One reading for every
 * command that takes an app as the daemon runs it (`hive edge nginx --app`, `hive deploy --app`).
 */
export async function askDaemonApp(
  target: string,
  hint: string,
): Promise<{ info: AppInfo; env: Record<string, string>; own: Record<string, string> }> {
  const paths = hivePaths();
  const client = await DaemonClient.connect({ start: false, paths });
  if (!client) throw new DaemonNotRunningError(paths.home, hint);
  try {
    const info = await client.request<AppInfo>('describe', { target });
    const { env, own } = await client.request<EnvResult>('env', { target: String(info.id) });
    return { info, env, own };
  } finally {
    client.close();
  }
}

/**
 * `read` (an {@link askDaemonApp} reading), or undefined when the daemon's word is not to be had: no daemon runs, it
 * runs no such app, or it cannot be asked (another build, no answer). Said on stderr as `hive <command>: ...;
 * <without>`, except no daemon at all: a misspelt name, or a daemon of another build (before `hive update`), would
 * otherwise lose the app's settings without a word. Any other error (an unsafe HIVE_HOME) is thrown.
 */
export async function daemonAppIfAny<T>(
  read: Promise<T>,
  name: string,
  command: string,
  without: string,
): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    const code = error instanceof HiveError ? error.code : '';
    if (!(code === 'ERR_HIVE_APP_NOT_FOUND' || code.startsWith('ERR_HIVE_DAEMON_'))) throw error;
    if (code === 'ERR_HIVE_APP_NOT_FOUND') {
      process.stderr.write(`hive ${command}: the daemon runs no app ${JSON.stringify(name)}; ${without}\n`);
    } else if (code !== 'ERR_HIVE_DAEMON_NOT_RUNNING') {
      process.stderr.write(errorLine(command, error, undefined, `; ${without}`));
    }
    return undefined;
  }
}

/**
 * One app as the running daemon describes it, for `hive edge nginx --app`: its settings (its port given or only
 * inherited), and the ports its processes listen on now. Throws as {@link askDaemonApp}.
 */
export async function readDaemonApp(target: string): Promise<DaemonApp> {
  const { info, env } = await askDaemonApp(target, 'start the app with `hive start`, or pass --port (or --socket)');
  return {
    name: info.name,
    status: info.status,
    port: info.settings.port,
    // A daemon of an older build does not say (its CLI is refused anyway, protocol-revision.ts).
    inheritedPort: info.settings.inheritedPort ?? null,
    instances: info.settings.portPerInstance ? instanceCount(info) : 1,
    socket: info.settings.socket,
    sticky: info.settings.sticky,
    listening: listeningOf(info, env),
    listens: listensOf(info),
    drainIdleGrace: info.settings.drainIdleGrace ?? null,
  };
}

// The TCP ports the app's processes listen on now, from /proc (undefined where it cannot tell). Hive's own server in
// the primary is not the app's, and an inspector's port must never get public traffic: both left out.
function listeningOf(info: AppInfo, env: Record<string, string>): number[] | undefined {
  const metricsPort = info.metrics === null ? undefined : urlPort(info.metrics);
  const inspector = inspectorPorts(info.settings.nodeArgs, env.NODE_OPTIONS);
  return listeningPorts(info.processes.map((p) => p.pid))?.filter((port) => port !== metricsPort && !inspector(port));
}

// Where the app's servers listen, as the runtime in each ready worker reported it. A daemon of an older build does not
// say (ProcessInfo.listen).
function listensOf(info: AppInfo): { address: string; port: number; kind?: string }[] {
  return info.processes.flatMap((p) => (p.listen ? [p.listen] : []));
}

/**
 * One app as the running daemon runs it, for `hive deploy --app`: its script (absolute), arguments, settings and its
 * own env, never the shell's it was started from (the recipe writes its values only with `--with-env`). Throws as
 * {@link askDaemonApp}.
 */
export async function readDaemonDeployApp(target: string): Promise<DaemonDeployApp> {
  const { info, env, own } = await askDaemonApp(target, 'start the app with `hive start`');
  const { settings } = info;
  const listens = listensOf(info).map((l) => l.port);
  return {
    name: info.name,
    script: resolve(info.cwd, info.script),
    cwd: info.cwd,
    args: settings.args,
    instances: settings.instances,
    port: settings.port,
    inheritedPort: settings.inheritedPort ?? null,
    // What the runtime reported, else what /proc tells, as for `hive edge nginx --app`.
    listened: listens.length > 0 ? listens : (listeningOf(info, env) ?? []),
    listenKinds: listensOf(info).flatMap((l) => (l.kind === undefined ? [] : [{ port: l.port, kind: l.kind }])),
    portPerInstance: settings.portPerInstance,
    sticky: settings.sticky,
    nodeArgs: settings.nodeArgs,
    maxMemoryRestart: settings.maxMemoryRestart,
    killTimeout: settings.killTimeout,
    drainIdleGrace: settings.drainIdleGrace ?? null,
    // A daemon of an older build does not say: hive run's default, as the recipe's without it.
    listenTimeout: settings.listenTimeout ?? null,
    keepAliveTimeout: settings.keepAliveTimeout ?? null,
    waitReady: settings.waitReady,
    treekill: settings.treekill,
    env: own,
    command: settings.command,
  };
}

// URL's port is '' for the scheme's default (http://host/ is port 80), which Number() would make 0.
function urlPort(url: string): number {
  const { port, protocol } = new URL(url);
  return port !== '' ? Number(port) : protocol === 'https:' ? 443 : 80;
}

// The cluster's size: its slots while it runs, else the count it was started with (a number, not `max`).
function instanceCount(info: AppInfo): number {
  if (info.total > 0) return info.total;
  const asked = Number(info.settings.instances);
  return Number.isInteger(asked) && asked > 0 ? asked : 1;
}
