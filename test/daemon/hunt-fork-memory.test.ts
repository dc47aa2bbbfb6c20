import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome, waitFor } from './helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

interface App {
  mode: string;
  processes: { role: string; pid: number }[];
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
    () => /ticker: worker 0 \(pid \d+\) uses .* over the limit/.test(hive.readLog('../daemon.log')),
    'the memory restart in the daemon log',
  );
});
