import { basename, dirname, isAbsolute } from 'node:path';
import { resolveInstances } from '../cluster/instances.js';
import { pmId } from '../cluster/pm-id.js';
import { instanceLogPath } from '../daemon/instance-log-path.js';
import type { AppInfo } from '../daemon/protocol.js';
import { nearestPackageJson } from '../nearest-package-json.js';
import { scriptPath } from './app-output.js';
import { type Pm2Status, pm2AppStatus, pm2ProcessStatus, pm2SlotStatus } from './pm2-status.js';

/**
 * One process as `pm2 jlist` prints it (PM2's God.getFormatedProcesses plus `monit`), keys named and ordered as PM2's.
 * The `env` PM2 puts in `pm2_env`, and the variables it copies beside it, are left out: they hold the app's secrets.
 */
export interface Pm2Process {
  /** 0 while the process is not running, as in PM2. */
  pid: number;
  name: string;
  pm2_env: Pm2Env;
  /** The process's own `process.env.pm_id` (cluster/pm-id.ts): unique among the daemon's processes. */
  pm_id: number;
  /** Resident memory in bytes and percent of one core, 0 when not known (PM2's when pidusage has none). */
  monit: { memory: number; cpu: number };
}

/** The part of PM2's `pm2_env` Hive knows, without `env` (see {@link Pm2Process}). */
export interface Pm2Env {
  name: string;
  namespace: string;
  pm_id: number;
  status: Pm2Status;
  /** When the process started, epoch ms; 0 while it is not running. */
  pm_uptime: number;
  /** When the app's primary started (PM2: when the app was last started), epoch ms; 0 while it has none. */
  created_at: number;
  /** Restarts of this process's slot since `hive reset`, respawns of the app's primary included. */
  restart_time: number;
  /** PM2 counts restarts quicker than min_uptime; Hive counts the crash loop itself (the `errored` status). */
  unstable_restarts: number;
  exec_mode: 'cluster_mode' | 'fork_mode';
  instances: number;
  NODE_APP_INSTANCE: number;
  pm_exec_path: string;
  pm_cwd: string;
  /** `node`; a fork-mode program's interpreter (`python3`), or `none` for an executable run itself, as PM2's. */
  exec_interpreter: string;
  node_args: string[];
  args: string[];
  pm_out_log_path: string;
  pm_err_log_path: string;
  /** The `version` of the package.json nearest the script (PM2's lookup), else `N/A`. */
  version: string;
  watch: boolean;
  autorestart: boolean;
  /** PM2's git metadata (vizion), which Hive does not read. */
  versioning: null;
  /**
   * Hive's own, after PM2's keys (a PM2 `pm2_env` carries the app's options beside them, so tools take keys they do
   * not know): the app's primary does not answer the daemon (frozen, or its event loop blocked), and this process's
   * figures are the last it gave; `status` stays one PM2 knows.
   */
  primary_unresponsive: boolean;
  /**
   * Hive's own (PM2 does not know): the app's last reload failed, so its processes run older code than its files;
   * `status` stays `online`. `hive describe`'s last error says why.
   */
  reload_failed: boolean;
}

// What a row is made of: a process, a slot without one, or an app's slot while the app has no processes at all.
interface Row {
  instance: number;
  pid: number;
  status: Pm2Status;
  uptime: number | null;
  restarts: number;
  cpu: number | null;
  memory: number | null;
}

/**
 * The daemon's apps as PM2's process list: one element per process (each worker of a cluster, each program of a fork-
 * mode app; Hive's primary is its own overhead, as PM2's God daemon is not listed either), one per slot with no process
 * (errored, waiting restart), and for an app with none at all (stopped) one per instance it runs, with pid 0.
 *
 * @param now - epoch ms the daemon's ages are read against.
 */
export function pm2ProcessList(apps: readonly AppInfo[], now = Date.now()): Pm2Process[] {
  return apps.flatMap((app) => {
    const execPath = scriptPath(app);
    // Read once per app: every row of it has the same.
    const version = packageVersion(isAbsolute(execPath) ? dirname(execPath) : app.cwd);
    return appRows(app).map((row) => pm2Process(app, row, { execPath, version, now }));
  });
}

function appRows(app: AppInfo): Row[] {
  const primaryRestarts = app.processes.find((p) => p.role === 'primary')?.restarts ?? 0;
  const rows: Row[] = [
    ...app.processes
      .filter((p) => p.role === 'worker')
      .map((p) => ({
        instance: p.instance ?? 0,
        pid: p.pid,
        status: pm2ProcessStatus(p.state, app.status),
        uptime: p.uptime,
        restarts: (p.restarts ?? 0) + primaryRestarts,
        cpu: p.cpu,
        memory: p.memory,
      })),
    ...app.idleSlots.map((slot) => ({
      instance: slot.instance,
      pid: 0,
      status: pm2SlotStatus(slot.state),
      uptime: null,
      restarts: (slot.restarts ?? 0) + primaryRestarts,
      cpu: null,
      memory: null,
    })),
  ];
  if (rows.length > 0) return rows.sort((a, b) => a.instance - b.instance);
  // No process now: PM2 keeps a stopped app's processes in its list, as many as it ran.
  const status = pm2AppStatus(app.status);
  return Array.from({ length: askedInstances(app) }, (_, instance) => ({
    instance,
    pid: 0,
    status,
    uptime: null,
    restarts: 0,
    cpu: null,
    memory: null,
  }));
}

// The instances an app asks for, `max` resolved by the daemon (the cores of its cgroup, where the processes run); from
// an older daemon, that does not say, resolved here. 1 if it asks for none a primary would run.
function askedInstances(app: AppInfo): number {
  if (app.configuredInstances !== undefined && app.configuredInstances > 0) return app.configuredInstances;
  try {
    return resolveInstances(app.settings.instances);
  } catch {
    return 1;
  }
}

function pm2Process(
  app: AppInfo,
  row: Row,
  { execPath, version, now }: { execPath: string; version: string; now: number },
): Pm2Process {
  const pm_id = Number(pmId(row.instance, String(app.id)));
  const logPath = (file: string) => (app.mergeLogs ? file : instanceLogPath(file, row.instance));
  return {
    pid: row.pid,
    name: app.name,
    pm2_env: {
      name: app.name,
      namespace: app.namespace,
      pm_id,
      status: row.status,
      pm_uptime: row.uptime === null ? 0 : now - row.uptime,
      created_at: app.uptime > 0 ? now - app.uptime : 0,
      restart_time: row.restarts,
      unstable_restarts: 0,
      exec_mode: app.mode === 'cluster' ? 'cluster_mode' : 'fork_mode',
      instances: app.total > 0 ? app.total : askedInstances(app),
      NODE_APP_INSTANCE: row.instance,
      pm_exec_path: execPath,
      pm_cwd: app.cwd,
      exec_interpreter: interpreter(app, execPath),
      node_args: app.settings.nodeArgs,
      args: app.settings.args,
      pm_out_log_path: logPath(app.outFile),
      pm_err_log_path: logPath(app.errorFile),
      version,
      watch: (app.watch?.length ?? 0) > 0,
      autorestart: app.settings.autorestart,
      versioning: null,
      primary_unresponsive: app.primaryUnresponsive === true,
      reload_failed: app.reloadFailed === true,
    },
    pm_id,
    monit: { memory: row.memory ?? 0, cpu: row.cpu ?? 0 },
  };
}

const NODE_PROGRAM = /^(?:node|nodejs)(?:\d+(?:\.\d+)*)?$/;

// PM2's exec_interpreter: `node` for a cluster app and a Node program, `none` for a program run itself, else the
// interpreter's name.
function interpreter(app: AppInfo, execPath: string): string {
  const command = app.settings.command;
  if (command === null || command === process.execPath || NODE_PROGRAM.test(basename(command))) return 'node';
  return command === execPath || command === app.script ? 'none' : basename(command);
}

function packageVersion(dir: string): string {
  const text = nearestPackageJson(dir);
  try {
    const version = text === undefined ? undefined : (JSON.parse(text) as { version?: unknown } | null)?.version;
    return typeof version === 'string' ? version : 'N/A';
  } catch {
    return 'N/A';
  }
}
