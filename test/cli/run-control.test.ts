// `hive run` under a parent with an IPC channel (the daemon's way of driving it): control requests on that channel.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { after, test } from 'node:test';
import { splitLines } from '../../dist/cluster/line-splitter.js';
import { fixture, freePort, hiveBin } from '../cluster/helpers.js';

type Reply = {
  hive: 1;
  type: string;
  id?: unknown;
  ok?: boolean;
  slots?: { instance: number; oldPid: number | null; newPid: number | null }[];
};

const children: ReturnType<typeof fork>[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

test('two reloads asked for at once run one after the other, and each reports the processes it replaced', async () => {
  const port = await freePort();
  const child = fork(hiveBin, ['run', fixture('app.js'), '-i', '2', '--port', String(port), '--log-format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  const replies = new Map<unknown, Reply>();
  let online = false;
  // Per reply: the workers the stdout events had said were ready, and had said were stopped, before it.
  const ready = new Set<number>();
  const stopped = new Set<number>();
  const seenBefore = new Map<unknown, { ready: Set<number>; stopped: Set<number> }>();
  splitLines(child.stdout!, (line: string) => {
    const record = JSON.parse(line) as Reply & { kind: string; state?: string; pid?: number };
    if (record.kind === 'control' && record.type === 'control-result') {
      replies.set(record.id, record);
      seenBefore.set(record.id, { ready: new Set(ready), stopped: new Set(stopped) });
    }
    if (record.kind !== 'event') return;
    if (record.type === 'state' && record.state === 'online') online = true;
    if (record.type === 'worker' && record.state === 'ready') ready.add(record.pid!);
    if (record.type === 'worker' && record.state === 'stopped') stopped.add(record.pid!);
  });
  const deadline = Date.now() + 60_000;
  while (!online && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(online, 'hive run came online');

  // Sent in the same tick: the second is queued behind the first by the supervisor.
  child.send({ hive: 1, type: 'reload', id: 1 });
  child.send({ hive: 1, type: 'reload', id: 2 });
  while (replies.size < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const first = replies.get(1);
  const second = replies.get(2);
  assert.equal(first?.ok, true, JSON.stringify(first));
  assert.equal(second?.ok, true, JSON.stringify(second));
  // The second reload replaced what the first one started, not the processes from before both.
  assert.deepEqual(
    second!.slots!.map((slot) => slot.oldPid),
    first!.slots!.map((slot) => slot.newPid),
  );
  for (const slot of [...first!.slots!, ...second!.slots!]) assert.notEqual(slot.newPid, null);
  assert.equal(new Set([...first!.slots!, ...second!.slots!].map((slot) => slot.newPid)).size, 4);
  // Each answer came after the events of what it reports: its replacements ready, the processes they replaced gone.
  for (const [id, reply] of [
    [1, first!],
    [2, second!],
  ] as const) {
    const before = seenBefore.get(id)!;
    for (const slot of reply.slots!) {
      assert.ok(before.ready.has(slot.newPid!), `reply ${id}: ${slot.newPid} ready before it`);
      assert.ok(before.stopped.has(slot.oldPid!), `reply ${id}: ${slot.oldPid} stopped before it`);
    }
  }

  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
});
