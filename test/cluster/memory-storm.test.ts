import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countsAsRestart } from '../../dist/metrics/aggregator.js';
import { fixture, freePort, get, type Hive, type HiveRecord, isEvent, killAll, startDriver } from './helpers.js';

after(killAll);

const MiB = 1024 * 1024;
const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

const overFromStart = (r: HiveRecord) =>
  isEvent('warning')(r) && /at its first check after it became ready/.test(String(r.message));

// Waits until the slot's processes have sent `count` more reports (each one a memory check by the primary).
async function reportsAfter(hive: Hive, from: number, count: number): Promise<void> {
  const reports = () => hive.records.slice(from).filter((r) => r.kind === 'report' && r.instance === 0).length;
  await hive.waitFor(() => reports() >= count, `${count} more memory reports`);
}

// An app of one process that holds 150 MiB from its start, over its 100 MiB limit, checked every 100 ms; once started.
async function startOverLimit(restartDelay: number): Promise<Hive> {
  const hive = startDriver(
    {
      script: fixture('app.js'),
      instances: 1,
      port: await freePort(),
      maxMemoryRestart: 100 * MiB,
      memoryReportInterval: 100,
      restartDelay,
    },
    { GROW_AT_START_MB: '150' },
  );
  const start = await hive.waitFor(isResult('start'), 'start');
  assert.equal(start.ok, true, String(start.message));
  return hive;
}

test('a limit below what the app needs from its start is said once, and its replacement waits as a crash restart would', async () => {
  // A fixed restart delay of an hour: no replacement may come within the test.
  const hive = await startOverLimit(3_600_000);
  const warning = await hive.waitFor(overFromStart, 'the warning of a limit below the need');
  assert.match(String(warning.message), /over its 100 MiB limit: max_memory_restart is below what the app needs/);
  assert.match(String(warning.message), /3600000 ms/);
  await reportsAfter(hive, hive.records.indexOf(warning), 10);
  assert.equal(hive.records.filter(isEvent('memory-limit')).length, 0, 'not replaced before the restart delay');
  assert.equal(hive.records.filter(overFromStart).length, 1);
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('replacements that are over the limit from their start are said once, however many there are', async () => {
  const hive = await startOverLimit(1);
  await hive.waitFor(() => hive.records.filter(isEvent('memory-limit')).length >= 3, 'three memory replacements');
  assert.equal(hive.records.filter(overFromStart).length, 1, 'one warning, at the first');
  const first = hive.records.findIndex(overFromStart);
  assert.ok(first < hive.records.findIndex(isEvent('memory-limit')), 'said before the first replacement');
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('a memory replacement that fails is tried again only after the restart delay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-mem-fail-'));
  try {
    const version = join(dir, 'version');
    writeFileSync(version, 'v1');
    const port = await freePort();
    const hive = startDriver(
      {
        script: fixture('app.js'),
        instances: 1,
        port,
        maxMemoryRestart: 100 * MiB,
        memoryReportInterval: 100,
        restartDelay: 3_600_000,
      },
      { APP_VERSION_FILE: version },
    );
    const start = await hive.waitFor(isResult('start'), 'start');
    assert.equal(start.ok, true, String(start.message));
    const old = hive.readyPids().get(0)!;
    // Every process started from now on throws as it starts.
    writeFileSync(version, 'broken');
    await get(port, '/grow?mb=150');
    const failed = await hive.waitFor(
      (r) => isEvent('warning')(r) && /^memory replacement of worker 0: /.test(String(r.message)),
      'the failed replacement',
    );
    await reportsAfter(hive, hive.records.indexOf(failed), 10);
    assert.equal(hive.records.filter(isEvent('memory-limit')).length, 1, 'one try until the restart delay is over');
    assert.equal((await get(port)).pid, old, 'the old process serves on');
    hive.command('stop');
    assert.equal((await hive.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a streak that began with a failed replacement still says the limit is below the need, at its first process over from its start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-mem-fail-need-'));
  try {
    const version = join(dir, 'version');
    const need = join(dir, 'need');
    writeFileSync(version, 'v1');
    const port = await freePort();
    const hive = startDriver(
      {
        script: fixture('app.js'),
        instances: 1,
        port,
        maxMemoryRestart: 100 * MiB,
        memoryReportInterval: 100,
        restartDelay: 1,
      },
      { APP_VERSION_FILE: version, GROW_AT_START_FILE: need },
    );
    const start = await hive.waitFor(isResult('start'), 'start');
    assert.equal(start.ok, true, String(start.message));
    const old = hive.readyPids().get(0)!;
    // The first process grows past the limit; its replacement fails (the streak's first), the old one serves on.
    writeFileSync(version, 'broken');
    await get(port, '/grow?mb=150');
    const failed = await hive.waitFor(
      (r) => isEvent('warning')(r) && /^memory replacement of worker 0: /.test(String(r.message)),
      'the failed replacement',
    );
    // From now on every process needs 150 MiB from its start (the need first: a process of v1 must read it).
    writeFileSync(need, '150');
    writeFileSync(version, 'v1');
    // A process other than the first replaced: one that was over the limit from its start, checked once.
    await hive.waitFor(
      (r) => isEvent('memory-limit')(r) && r.pid !== old,
      'a replacement over the limit from its start, replaced in turn',
    );
    const said = hive.records.filter(overFromStart);
    assert.equal(said.length, 1, 'said once');
    assert.ok(hive.records.indexOf(said[0]!) > hive.records.indexOf(failed), 'of a process after the failure');
    assert.doesNotMatch(String(said[0]!.message), new RegExp(`\\(pid ${old}\\)`), 'not of the first process');
    hive.command('stop');
    assert.equal((await hive.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash of the process a memory replacement replaces is neither a second restart nor one announced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-mem-crash-'));
  try {
    const port = await freePort();
    const hive = startDriver(
      { script: fixture('mem-gated.cjs'), instances: 1, port, maxMemoryRestart: 120 * MiB, memoryReportInterval: 100 },
      { GATE_DIR: dir },
    );
    const start = await hive.waitFor(isResult('start'), 'start');
    assert.equal(start.ok, true, String(start.message));
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
