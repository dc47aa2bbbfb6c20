// An app as the daemon's `ls` answers it, for the tests of what the CLI makes of that answer (tables, PM2's list).
import type { AppInfo, AppSettings, ProcessInfo } from '../../dist/daemon/protocol.js';

const MiB = 2 ** 20;

/** A worker process of an `ls` answer: ready, 50 MiB, up a minute, unless `fields` say otherwise. */
export const processInfo = (fields: Partial<ProcessInfo>): ProcessInfo => ({
  role: 'worker',
  instance: 0,
  pid: 4100,
  state: 'ready',
  cpu: 0,
  memory: 50 * MiB,
  uptime: 60_000,
  restarts: 0,
  listen: null,
  ...fields,
});

/** What an app runs with (`hive describe`'s settings): one instance, killed after 5 s, unless `fields` say otherwise. */
export const appSettings = (fields: Partial<AppSettings> = {}): AppSettings => ({
  instances: '1',
  args: [],
  port: null,
  inheritedPort: null,
  portPerInstance: false,
  nodeArgs: [],
  balance: 'rr',
  sticky: null,
  command: null,
  autorestart: true,
  maxRestarts: 10,
  minUptime: 1000,
  restartDelay: 0,
  expBackoffRestartDelay: 0,
  maxMemoryRestart: 300 * MiB,
  killTimeout: 5000,
  memoryReportInterval: 1000,
  drainIdleGrace: 1000,
  keepAliveTimeout: null,
  listenTimeout: 10_000,
  httpMetrics: true,
  killSignal: null,
  treekill: true,
  waitReady: false,
  ignoreWatch: [],
  watchDelay: null,
  socket: null,
  ...fields,
});

/** One app of an `ls` answer, as the daemon sends it: `api`, one worker online, unless `fields` say otherwise. */
export function appInfo(fields: Partial<AppInfo> = {}): AppInfo {
  return {
    id: 0,
    name: 'api',
    namespace: 'default',
    script: '/srv/api.js',
    cwd: '/srv',
    mode: 'cluster',
    status: 'online',
    ready: 1,
    total: 1,
    restarts: 0,
    uptime: 60_000,
    processUptime: 60_000,
    cpu: 0,
    memory: 100 * MiB,
    processes: [
      processInfo({ role: 'primary', instance: null, pid: 4000, state: 'online' }),
      processInfo({ memory: 50 * MiB }),
    ],
    idleSlots: [],
    outFile: '/srv/out.log',
    errorFile: '/srv/err.log',
    logFile: null,
    mergeLogs: true,
    logs: [],
    cronRestart: null,
    watch: null,
    settings: appSettings(),
    lastError: null,
    metrics: null,
    ...fields,
  };
}
