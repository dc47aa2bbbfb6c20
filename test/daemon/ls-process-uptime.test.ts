// `hive ls` showed a cluster app's primary's uptime: a worker that crashed and restarted a moment ago went unseen, where
// PM2's list shows each process's uptime. The app row now shows its youngest process's (`processUptime`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { appFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("ls --json: processUptime is the youngest worker's uptime, a restarted one's; uptime stays the primary's", async () => {
  await hive.json(['start', appFixture, '-i', '2', '--name', 'api']);
  const workers = (app: AppInfo) => app.processes.filter((p) => p.role === 'worker');
  const before = await waitFor(async () => {
    const app = await hive.json<AppInfo>(['describe', 'api']);
    return workers(app).filter((p) => p.state === 'ready').length === 2 ? app : undefined;
  }, 'two ready workers');
  const killed = workers(before).find((p) => p.instance === 1)!.pid;
  process.kill(killed, 'SIGKILL');
  const app = await waitFor(async () => {
    const now = (await hive.json<AppInfo[]>(['ls'])).find((a) => a.name === 'api')!;
    const fresh = workers(now).find((p) => p.instance === 1 && p.pid !== killed && p.state === 'ready');
    return fresh && now.idleSlots.length === 0 ? now : undefined;
  }, 'worker 1 restarted and ready');
  assert.equal(app.restarts, 1);
  const restarted = workers(app).find((p) => p.instance === 1)!;
  const older = workers(app).find((p) => p.instance === 0)!;
  assert.equal(app.processUptime, restarted.uptime, JSON.stringify(app.processes));
  assert.ok(older.uptime > restarted.uptime, JSON.stringify(app.processes));
  const primary = app.processes.find((p) => p.role === 'primary')!;
  assert.equal(app.uptime, primary.uptime, "uptime is still the primary's");
  assert.ok(app.uptime > app.processUptime);

  await hive.json(['stop', 'api']);
  const stopped = await hive.json<AppInfo>(['describe', 'api']);
  assert.equal(stopped.processUptime, 0);
  assert.equal(stopped.uptime, 0);
});
