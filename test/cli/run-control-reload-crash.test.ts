// A reload request (the daemon's `hive reload`) while a slot's old process crashes: the crash restart becomes ready
// before the reload reaches its slot, and the reload then retires it. The answer and the progress frames must name the
// process the slot has once the reload is done, not that crash restart.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { after, test } from 'node:test';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { alive, fixture, freePort, hiveBin } from '../cluster/helpers.js';

type Slot = { instance: number; oldPid: number | null; newPid: number | null; readyMs: number | null };
type Record = {
  kind: string;
  type: string;
  id?: unknown;
  ok?: boolean;
  slots?: Slot[];
  slot?: Slot;
  state?: string;
  instance?: number;
  pid?: number;
};

const children: ReturnType<typeof fork>[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

test('a reload names the replacement of a slot whose old process crashed during it, not the crash restart', async () => {
  const port = await freePort();
  // Each process is ready a second after it listens: slot 0's replacement is still warming up when slot 1's crash
  // restart (100 ms after the crash) starts, so that one is ready before the reload forks slot 1's replacement.
  const args = ['run', fixture('slow-ready-app.cjs'), '-i', '2', '--port', String(port), '--wait-ready'];
  const child = fork(hiveBin, [...args, '--log-format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, READY_DELAY_MS: '1000' },
  });
  children.push(child);
  const ready = new Map<number, number>();
  const readyPids: { instance: number; pid: number }[] = [];
  const stopped = new Set<number>();
  const progress: Slot[] = [];
  let online = false;
  let reloadStarted = false;
  let crashed: number | undefined;
  let reply: Record | undefined;
  let stoppedAtReply: Set<number> | undefined;
  splitLines(child.stdout!, (line: string) => {
    const record = JSON.parse(line) as Record;
    if (record.kind === 'control' && record.type === 'reload-progress') progress.push(record.slot!);
    if (record.kind === 'control' && record.type === 'control-result') {
      reply = record;
      stoppedAtReply = new Set(stopped);
    }
    if (record.kind !== 'event') return;
    if (record.type === 'state' && record.state === 'online') online = true;
    if (record.type === 'reload') reloadStarted = true;
    if (record.type === 'worker' && record.state === 'ready') {
      if (!reloadStarted) ready.set(record.instance!, record.pid!);
      else readyPids.push({ instance: record.instance!, pid: record.pid! });
    }
    if (record.type === 'worker' && record.state === 'stopped') stopped.add(record.pid!);
    // Slot 0's replacement is forked: slot 1's old process dies before the reload reaches it.
    if (reloadStarted && crashed === undefined && record.type === 'worker' && record.instance === 0) {
      crashed = ready.get(1)!;
      process.kill(crashed, 'SIGKILL');
    }
  });
  const deadline = Date.now() + 60_000;
  while (!online && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(online, 'hive run came online');

  child.send({ hive: 1, type: 'reload', id: 1 });
  while (!reply && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(reply?.ok, true, JSON.stringify(reply));
  assert.notEqual(crashed, undefined);
  // The scenario happened: slot 1 had two processes ready during the reload, its crash restart and its replacement.
  const slotOneReady = readyPids.filter((entry) => entry.instance === 1).map((entry) => entry.pid);
  assert.equal(slotOneReady.length, 2, JSON.stringify(readyPids));

  const slots = reply!.slots!;
  assert.deepEqual(
    slots.map((slot) => slot.instance),
    [0, 1],
  );
  for (const slot of slots) {
    assert.notEqual(slot.newPid, null, JSON.stringify(slots));
    assert.ok(!stoppedAtReply!.has(slot.newPid!), `slot ${slot.instance}: ${slot.newPid} still runs at the answer`);
    assert.ok(alive(slot.newPid!), `slot ${slot.instance}: ${slot.newPid} alive`);
    assert.notEqual(slot.readyMs, null);
  }
  // Slot 1's replacement is the last of its processes to be ready; the crash restart before it is what it retired.
  assert.equal(slots[1]!.newPid, slotOneReady[1]);
  assert.equal(slots[1]!.oldPid, slotOneReady[0]);
  assert.ok(stoppedAtReply!.has(slotOneReady[0]!));
  // The progress frames say the same, one per slot.
  assert.deepEqual(
    progress.map((slot) => [slot.instance, slot.newPid]).sort(),
    slots.map((slot) => [slot.instance, slot.newPid]),
  );

  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
});
