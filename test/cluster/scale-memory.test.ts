import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { alive, fixture, freePort, get, type HiveRecord, isEvent, killAll, startDriver, startHive } from './helpers.js';

after(killAll);

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

test('scale up and down at run time (programmatic API)', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('app.js'), instances: 2, port });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);

  hive.command('scale 4');
  const up = await hive.waitFor(isResult('scale'), 'scale up');
  assert.equal(up.ok, true, String(up.message));
  assert.equal(up.size, 4);
  assert.deepEqual([...hive.readyPids().keys()].sort(), [0, 1, 2, 3]);
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 4; i++) {
    const reply = await get(port);
    seen.add(reply.instance);
  }
  assert.equal(seen.size, 4, 'round-robin reaches all four workers');

  const removed = [1, 2, 3].map((i) => hive.readyPids().get(i)!);
  hive.records.length = 0;
  hive.command('scale 1');
  const down = await hive.waitFor(isResult('scale'), 'scale down');
  assert.equal(down.ok, true, String(down.message));
  assert.equal(down.size, 1);
  for (const pid of removed) {
    const exit = hive.records.find(isEvent('exit', { pid }));
    assert.equal(exit?.expected, true);
    assert.equal(exit?.code, 0);
    assert.ok(!alive(pid));
  }
  const reply = await get(port);
  assert.equal(reply.instance, '0');
  assert.equal(reply.size, '1', 'the runtime updates HIVE_CLUSTER_SIZE of a running process on scale');

  hive.records.length = 0;
  hive.command('scale 0x');
  const bad = await hive.waitFor(isResult('scale'), 'bad scale');
  assert.equal(bad.ok, false);
  assert.equal(bad.code, 'ERR_HIVE_INVALID_ARGUMENT');

  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('a worker over maxMemoryRestart is replaced, the replacement ready before the old one retires', async () => {
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '1', '--port', String(port), '--max-memory-restart', '120M'];
  const hive = startHive([...args, '--memory-report-interval', '100ms']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const old = hive.readyPids().get(0)!;
  await get(port, '/grow?mb=150');
  const limit = await hive.waitFor(isEvent('memory-limit'), 'memory-limit event');
  assert.equal(limit.pid, old);
  assert.ok((limit.rss as number) > (limit.limit as number));
  const oldExit = await hive.waitFor(isEvent('exit', { pid: old }), 'old worker exit');
  assert.equal(oldExit.expected, true);
  const newReady = hive.records.findIndex(
    (r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== old,
  );
  assert.ok(newReady !== -1 && newReady < hive.records.indexOf(oldExit), 'replacement ready before the old exit');
  assert.notEqual((await get(port)).pid, old);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a memory replacement a reload made moot is neither done nor announced (memory-limit counts as a restart)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-mem-gate-'));
  try {
    const port = await freePort();
    const limit = 120 * 1024 * 1024;
    const hive = startDriver(
      { script: fixture('mem-gated.cjs'), instances: 1, port, maxMemoryRestart: limit, memoryReportInterval: 100 },
      { GATE_DIR: dir },
    );
    assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
    const old = hive.readyPids().get(0)!;
    // The reload holds the topology queue until its replacement listens, which waits for the gate.
    hive.command('reload');
    await hive.waitFor(isEvent('reload', { phase: 'start' }), 'the reload under way');
    await get(port, '/grow?mb=150');
    // Seen over the limit by the primary: the memory check runs as the report arrives, so it has queued its task.
    const workers = async () => {
      const from = hive.records.length;
      hive.command('workers');
      const result = await hive.waitFor(
        (r) => isResult('workers')(r) && hive.records.indexOf(r) >= from,
        'the workers',
      );
      return result.value as { pid: number; rss?: number }[];
    };
    await poll(
      async () => ((await workers()).find((w) => w.pid === old)?.rss ?? 0) > limit,
      'the old worker over the limit',
    );
    writeFileSync(join(dir, 'open'), '');
    assert.equal((await hive.waitFor(isResult('reload'), 'reload')).ok, true);
    // Topology changes run in turn: once a scale (to the same size) is done, the queued memory task has run.
    hive.command('scale 1');
    assert.equal((await hive.waitFor(isResult('scale'), 'scale')).ok, true);
    assert.equal(hive.records.filter(isEvent('memory-limit')).length, 0, 'no replacement announced, none counted');
    const readied = hive.records.filter(isEvent('worker', { instance: 0, state: 'ready' }));
    assert.equal(readied.length, 2, "the first process and the reload's replacement only");
    hive.command('stop');
    assert.equal((await hive.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
