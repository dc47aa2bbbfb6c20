// A fork-mode scale down removes the slots that do not serve before serving ones: `scale 4 -> 2` while instance 1
// waited for its restart retired instances 2 and 3 and kept the empty slot 1, so that one process ran, not two.
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import type { RestartPolicyOptions } from '../../dist/cluster/restart-policy.js';
import { isAlive, waitFor } from './helpers.js';

const forkPrimary = new URL('../../dist/daemon/fork-primary.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hive-fork-scale-down-'));
const app = join(dir, 'app.mjs');
// Says it is ready (PM2's wait_ready) unless a `hold-<instance>` file is there.
writeFileSync(
  app,
  `import { existsSync } from 'node:fs';
if (!existsSync('${dir}/hold-' + process.env.HIVE_INSTANCE)) process.send('ready');
setInterval(() => {}, 1 << 30);
`,
);
const primaries: ChildProcess[] = [];
after(() => {
  for (const primary of primaries) primary.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type ForkRecord = { kind?: string; type?: string; instance?: number; pid?: number; state?: string; slots?: number[] };

// Runs 4 instances, kills instance 1's process, waits until `settled` says where its slot is, and scales to 2.
async function scaleDownWithInstance1(
  restartDelay: number,
  hold: boolean,
  settled: (r: ForkRecord, pid: number) => boolean,
) {
  const restart: RestartPolicyOptions = {
    restartDelay,
    expBackoffRestartDelay: 0,
    maxRestartDelay: 15_000,
    maxRestarts: 10,
    minUptime: 1_000,
  };
  const options = {
    name: 'scaled',
    command: process.execPath,
    args: [app],
    instances: '4',
    autorestart: true,
    killTimeout: 5_000,
    waitReady: true,
    listenTimeout: 60_000,
    restart,
  };
  const primary = fork(forkPrimary, [JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  primaries.push(primary);
  const records: ForkRecord[] = [];
  splitLines(primary.stdout!, (line: string) => records.push(JSON.parse(line) as ForkRecord));
  await waitFor(() => records.some((r) => r.type === 'state' && r.state === 'online'), 'online', 30_000);
  const ready = (instance: number) =>
    records.findLast((r) => r.type === 'worker' && r.state === 'ready' && r.instance === instance)!.pid!;
  const killed = ready(1);
  if (hold) writeFileSync(join(dir, 'hold-1'), '');
  process.kill(killed, 'SIGKILL');
  await waitFor(() => records.some((r) => r.type === 'restart' && r.instance === 1), 'the restart', 30_000);
  await waitFor(() => records.some((r) => settled(r, killed)), 'instance 1 not serving', 30_000);
  const kept = [ready(0), ready(2)];
  primary.send({ hive: 1, id: 1, type: 'scale', instances: 2 });
  await waitFor(() => records.some((r) => r.type === 'control-result'), 'the scale', 30_000);
  const scale = records.find((r) => r.type === 'scale')!;
  const alive = kept.map(isAlive);
  const exited = new Promise((resolve) => primary.once('exit', resolve));
  primary.kill('SIGTERM');
  await exited;
  rmSync(join(dir, 'hold-1'), { force: true });
  return { slots: scale.slots, alive };
}

test('fork: scale 4 -> 2 while instance 1 waits for its restart removes it and instance 3: two run', async () => {
  const { slots, alive } = await scaleDownWithInstance1(600_000, false, () => true);
  assert.deepEqual(slots, [0, 2]);
  assert.deepEqual(alive, [true, true]);
});

test('fork: scale 4 -> 2 while the restarted instance 1 is not ready yet removes it and instance 3', async () => {
  const starting = (r: ForkRecord, killed: number) =>
    r.type === 'worker' && r.state === 'starting' && r.instance === 1 && r.pid !== killed;
  const { slots, alive } = await scaleDownWithInstance1(0, true, starting);
  assert.deepEqual(slots, [0, 2]);
  assert.deepEqual(alive, [true, true]);
});
