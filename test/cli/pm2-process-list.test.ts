// What `hive jlist` makes of the daemon's `ls` answer in the cases a live daemon reaches only by waiting on a crash
// loop or a restart delay: a slot with no process, an app with none at all, a primary's respawns, per-instance logs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pm2ProcessList } from '../../dist/cli/pm2-process-list.js';
import { appInfo, processInfo } from './app-info.js';

const primary = processInfo({ role: 'primary', instance: null, pid: 4000, state: 'online', restarts: 1 });

test("a slot with no process is a row with pid 0: PM2's waiting restart, or errored", () => {
  const app = appInfo({
    total: 3,
    processes: [primary, processInfo({ instance: 1, pid: 4101, restarts: 2 })],
    idleSlots: [
      { instance: 2, state: 'errored', lastExit: null, restarts: 15 },
      { instance: 0, state: 'restarting', lastExit: null, restarts: 3 },
    ],
  });
  const list = pm2ProcessList([app], 1_000_000);
  assert.deepEqual(
    list.map((p) => [p.pm2_env.NODE_APP_INSTANCE, p.pid, p.pm_id, p.pm2_env.status, p.pm2_env.restart_time]),
    [
      // Each slot's restarts and the primary's respawn, which restarted it too; pm_ids of app 0 (cluster/pm-id.ts).
      [0, 0, 0, 'waiting restart', 4],
      [1, 4101, 2, 'online', 3],
      [2, 0, 5, 'errored', 16],
    ],
  );
  assert.deepEqual(
    list.map((p) => p.pm2_env.pm_uptime),
    [0, 1_000_000 - 60_000, 0],
  );
  assert.deepEqual(list[0]!.monit, { memory: 0, cpu: 0 });
});

test('an app with no process has a row per instance it runs, in its status; processes follow the app stopping', () => {
  const stopped = appInfo({ id: 1, status: 'stopped', total: 0, uptime: 0, processes: [] });
  stopped.settings.instances = '3';
  const list = pm2ProcessList([stopped]);
  assert.deepEqual(
    list.map((p) => [p.pid, p.pm_id, p.pm2_env.status, p.pm2_env.instances, p.pm2_env.created_at]),
    [
      [0, 1, 'stopped', 3, 0],
      [0, 4, 'stopped', 3, 0],
      [0, 8, 'stopped', 3, 0],
    ],
  );
  const errored = appInfo({ status: 'errored', total: 0, processes: [] });
  assert.deepEqual(
    pm2ProcessList([errored]).map((p) => p.pm2_env.status),
    ['errored'],
  );
  const stopping = appInfo({ status: 'stopping', processes: [primary, processInfo({ state: 'ready' })] });
  assert.deepEqual(
    pm2ProcessList([stopping]).map((p) => p.pm2_env.status),
    ['stopping'],
  );
  const starting = appInfo({ processes: [primary, processInfo({ state: 'starting' })] });
  assert.deepEqual(
    pm2ProcessList([starting]).map((p) => p.pm2_env.status),
    ['launching'],
  );
});

test("a fork-mode program's interpreter, and each instance's own log files with mergeLogs: false", () => {
  const app = appInfo({
    mode: 'fork',
    script: 'worker.py',
    cwd: '/srv/jobs',
    mergeLogs: false,
    outFile: '/logs/jobs-out.log',
    errorFile: '/logs/jobs-error.log',
    processes: [primary, processInfo({ instance: 0, pid: 4100 }), processInfo({ instance: 1, pid: 4101 })],
    total: 2,
  });
  app.settings.command = 'python3';
  const list = pm2ProcessList([app]);
  assert.deepEqual(
    list.map((p) => [
      p.pm2_env.exec_mode,
      p.pm2_env.exec_interpreter,
      p.pm2_env.pm_exec_path,
      p.pm2_env.pm_out_log_path,
    ]),
    [
      ['fork_mode', 'python3', '/srv/jobs/worker.py', '/logs/jobs-out-0.log'],
      ['fork_mode', 'python3', '/srv/jobs/worker.py', '/logs/jobs-out-1.log'],
    ],
  );
  assert.equal(list[1]!.pm2_env.pm_err_log_path, '/logs/jobs-error-1.log');
  // No package.json from /srv/jobs up (none on this machine's /srv): PM2's N/A.
  assert.equal(list[0]!.pm2_env.version, 'N/A');
});

test("an older daemon's listing, with no restarts per process or slot, counts none", () => {
  const { restarts: _worker, ...oldWorker } = processInfo({ instance: 1, pid: 4101 });
  const { restarts: _primary, ...oldPrimary } = primary;
  const app = appInfo({
    total: 2,
    processes: [oldPrimary, oldWorker],
    idleSlots: [{ instance: 0, state: 'restarting', lastExit: null }],
  });
  assert.deepEqual(
    pm2ProcessList([app]).map((p) => p.pm2_env.restart_time),
    [0, 0],
  );
});
