import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface App {
  mode: string;
  restarts: number;
  processes: { role: string; pid: number; restarts?: number }[];
}

test('fork mode: a process over --max-memory-restart is restarted, not left running as if no limit were set', async () => {
  // Any process is over 1 KiB of RSS.
  const [app] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--max-memory-restart', '1K']);
  assert.equal(app!.mode, 'fork');
  const first = app!.processes.find((p) => p.role === 'worker')!.pid;
  await waitFor(async () => {
    const now = await hive.json<App>(['describe', 'ticker']);
    const worker = now.processes.find((p) => p.role === 'worker');
    return worker !== undefined && worker.pid !== first;
  }, 'the process restarted for its memory');
  await waitFor(
    () => /ticker: worker 0 \(pid \d+\) used [\d.]+ MiB, over its [\d.]+ MiB limit/.test(hive.readLog('../daemon.log')),
    'the memory restart in the daemon log',
  );
  // A restart no one asked for, as a crash's: counted (PM2's restart count includes them).
  await waitFor(async () => (await hive.json<App>(['describe', 'ticker'])).restarts >= 1, 'the restart counted');
  await hive.json(['delete', 'ticker']);
});

test('cluster mode: a replacement over --max-memory-restart counts in restarts', async () => {
  await hive.json(['start', appFixture, '--name', 'mem', '-i', '1', '--max-memory-restart', '1K']);
  await waitFor(async () => (await hive.json<App>(['describe', 'mem'])).restarts >= 1, 'the replacement counted');
  await hive.json(['delete', 'mem']);
});
