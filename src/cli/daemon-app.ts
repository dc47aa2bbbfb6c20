import { DaemonClient } from '../daemon/client.js';
import { DaemonNotRunningError } from '../daemon/errors.js';
import { listeningPorts } from '../daemon/listening-ports.js';
import { hivePaths } from '../daemon/paths.js';
import type { AppInfo, EnvResult } from '../daemon/protocol.js';
import type { DaemonApp } from '../edge/daemon-app-site.js';

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
    // Hive's own server in the primary is not the app's.
    const metricsPort = info.metrics === null ? undefined : Number(new URL(info.metrics).port);
    const listening = listeningPorts(info.processes.map((p) => p.pid))?.filter((port) => port !== metricsPort);
    return {
      name: info.name,
      status: info.status,
      port: info.settings.port ?? envPort(env.PORT),
      socket: info.settings.socket,
      sticky: info.settings.sticky,
      listening,
    };
  } finally {
    client.close();
  }
}

// The PORT a cluster app without --port (or a fork-mode program) is given by its env, when it is a port at all.
function envPort(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}
