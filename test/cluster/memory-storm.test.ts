import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countsAsRestart } from '../../dist/metrics/aggregator.js';
import { fixture, freePort, get, type HiveRecord, isEvent, killAll, startDriver } from './helpers.js';

after(killAll);

const MiB = 1024 * 1024;
const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

test('a crash of the process a memory replacement replaces is neither a second restart nor one announced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-mem-crash-'));
  try {
    const port = await freePort();
    const hive = startDriver(
      { script: fixture('mem-gated.cjs'), instances: 1, port, maxMemoryRestart: 120 * MiB, memoryReportInterval: 100 },
      { GATE_DIR: dir },
    );
    assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
    const old = hive.readyPids().get(0)!;
    await get(port, '/grow?mb=150');
    await hive.waitFor(isEvent('memory-limit', { pid: old }), 'the memory replacement under way');
    // Its replacement waits for the gate: the old process crashes while it starts.
    process.kill(old, 'SIGKILL');
    await hive.waitFor(isEvent('exit', { pid: old }), 'the old process gone');
    writeFileSync(join(dir, 'open'), '');
    const ready = await hive.waitFor(
      (r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== old,
      'the replacement ready',
    );
    assert.equal((await get(port)).pid, ready.pid);
    hive.command('scale 1');
    assert.equal((await hive.waitFor(isResult('scale'), 'scale')).ok, true);
    assert.equal(hive.records.filter(isEvent('restart')).length, 0, 'no restart announced');
    assert.equal(hive.records.filter((r) => r.kind === 'event' && countsAsRestart(r as never)).length, 1);
    const started = hive.records.filter(isEvent('worker', { instance: 0, state: 'starting' }));
    assert.equal(started.length, 2, 'the first process and its replacement only');
    hive.command('stop');
    assert.equal((await hive.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
