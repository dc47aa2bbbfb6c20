import { DaemonClient } from '../daemon/client.js';
import { DaemonNotRunningError } from '../daemon/errors.js';
import { listeningPorts } from '../daemon/listening-ports.js';
import { hivePaths } from '../daemon/paths.js';
import type { AppInfo, EnvResult } from '../daemon/protocol.js';
import type { DaemonApp } from '../edge/daemon-app-site.js';
import { inspectorPorts } from '../edge/inspector-ports.js';

/**
 * One app as the running daemon of `$HIVE_HOME` describes it, for `hive edge nginx --app`: its settings, the PORT of
 * its environment, and the ports its processes listen on now. Never starts a daemon: throws
 * `DaemonNotRunningError` when none runs, and the daemon's `ERR_HIVE_APP_NOT_FOUND` for an app it does not have.
 */
export async function readDaemonApp(target: string): Promise<DaemonApp> {
  const paths = hivePaths();
  const client = await DaemonClient.connect({ start: false, paths });
  if (!client) {
    throw new DaemonNotRunningError(paths.home, 'start the app with `hive start`, or pass --port (or --socket)');
  }
  try {
    const info = await client.request<AppInfo>('describe', { target });
    const { env } = await client.request<EnvResult>('env', { target: String(info.id) });
    // Hive's own server in the primary is not the app's, and an inspector's port must never get public traffic.
    const metricsPort = info.metrics === null ? undefined : urlPort(info.metrics);
    const inspector = inspectorPorts(info.settings.nodeArgs, env.NODE_OPTIONS);
    const listening = listeningPorts(info.processes.map((p) => p.pid))?.filter(
      (port) => port !== metricsPort && !inspector(port),
    );
    return {
      name: info.name,
      status: info.status,
      port: info.settings.port ?? envPort(env.PORT),
      instances: info.settings.portPerInstance ? instanceCount(info) : 1,
      socket: info.settings.socket,
      sticky: info.settings.sticky,
      listening,
      // A daemon of an older build does not say (ProcessInfo.listen).
      listens: info.processes.flatMap((p) => (p.listen ? [p.listen] : [])),
    };
  } finally {
    client.close();
  }
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

// The PORT a cluster app without --port (or a fork-mode program) is given by its env, when it is a port at all.
function envPort(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}
