// PM2's `autorestart: false` and `stop_exit_codes`: a process that exits (with any code, or with a stop code) is not
// restarted; its slot stays empty, and once every slot is, the app is stopped with the last exit recorded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixture, type HiveRecord, isEvent, killAll, runHive, startDriver, startHive } from './helpers.js';

after(killAll);

const exitApp = fixture('exit-app.cjs');
const events = (records: HiveRecord[], type: string) => records.filter(isEvent(type));

test('hive run --no-autorestart: exited processes stay down, whatever the code; then the app stops, exit code the last', async () => {
  // Instance 1 exits well after instance 0, so its 7 is the last code (and not the 0 a graceful stop gives).
  const hive = startHive([exitApp, '-i', '2', '--no-autorestart'], {
    EXIT_CODE_0: '0',
    EXIT_CODE_1: '7',
    EXIT_DELAY_1: '1500',
  });
  const stopped = await hive.waitFor(isEvent('state', { state: 'stopped' }), 'the app stopped by itself');
  const exits = events(hive.records, 'exit');
  assert.deepEqual(
    exits.map((e) => e.instance),
    [0, 1],
  );
  // The run's exit code is the last process's (a job's result).
  assert.equal((await hive.exited).code, 7);
  assert.deepEqual(exits.map((e) => [e.instance, e.code, e.expected, e.noRestart]).sort(), [
    [0, 0, false, 'autorestart'],
    [1, 7, false, 'autorestart'],
  ]);
  assert.deepEqual(events(hive.records, 'restart'), []);
  const last = stopped.lastExit as { instance: number; code: number; signal: null; pid: number };
  const lastRecord = exits.at(-1)!;
  assert.deepEqual(last, { instance: lastRecord.instance, pid: lastRecord.pid, code: lastRecord.code, signal: null });
});

test('hive run --no-autorestart in text format says why a process is not restarted', async () => {
  const { code, stdout } = await runHive(['run', exitApp, '-i', '1', '--no-autorestart'], { EXIT_CODE_0: '5' });
  assert.equal(code, 5);
  assert.match(stdout, /worker 0 \(pid \d+\) exited with code 5, not restarted \(autorestart: false\)/);
  assert.match(stdout, /app stopped: every worker has exited and none is restarted \(last: worker 0, code 5\)/);
});

test('Supervisor stopExitCodes: a stop code leaves the slot empty, other codes restart; reload and scale still work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-stop-codes-'));
  try {
    // Instance 0 exits 0 once (a stop code), instance 1 exits 3 once (not one: restarted), instance 2 keeps running.
    const driver = startDriver(
      { script: exitApp, instances: 3, stopExitCodes: [0, 4], expBackoffRestartDelay: 10 },
      { EXIT_CODE_0: '0', EXIT_CODE_1: '3', EXIT_ONCE_DIR: dir },
    );
    const down = await driver.waitFor(isEvent('exit', { instance: 0 }), 'instance 0 exits');
    assert.deepEqual([down.code, down.expected, down.noRestart], [0, false, 'stopExitCodes']);
    const crash = await driver.waitFor(isEvent('exit', { instance: 1 }), 'instance 1 exits');
    assert.deepEqual([crash.code, crash.noRestart], [3, undefined]);
    await driver.waitFor(isEvent('restart', { instance: 1 }), 'instance 1 restarted');
    await driver.waitFor(
      (r) => isEvent('worker', { instance: 1, state: 'ready' })(r) && r.pid !== crash.pid,
      'instance 1 back',
    );
    driver.command('last-exit');
    const last = await driver.waitFor((r) => r.kind === 'result' && r.command === 'last-exit', 'last-exit');
    const value = last.value as { lastExit: Record<string, unknown>; state: string };
    assert.deepEqual(value.lastExit, { instance: 0, pid: down.pid, code: 0, signal: null });
    assert.equal(value.state, 'online', 'live slots keep the app online');
    assert.deepEqual(
      events(driver.records, 'restart').map((r) => r.instance),
      [1],
    );

    // A live app still scales and reloads: the reload fills the empty slot again.
    driver.command('scale 4');
    await driver.waitFor((r) => r.kind === 'result' && r.command === 'scale', 'scale');
    driver.command('reload');
    const reload = await driver.waitFor((r) => r.kind === 'result' && r.command === 'reload', 'reload');
    assert.equal(reload.ok, true, String(reload.message));
    driver.command('workers');
    const workers = await driver.waitFor((r) => r.kind === 'result' && r.command === 'workers', 'workers');
    const instances = (workers.value as { instance: number; state: string }[])
      .filter((w) => w.state === 'ready')
      .map((w) => w.instance);
    assert.deepEqual(instances, [0, 1, 2, 3]);
    // No slot is down any more: lastExit is gone with it.
    driver.command('last-exit');
    const cleared = await driver.waitFor(
      (r) => r.kind === 'result' && r.command === 'last-exit' && r !== last,
      'last-exit after the reload',
    );
    assert.equal((cleared.value as { lastExit?: unknown }).lastExit, undefined);
    driver.command('stop');
    await driver.exited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stopExitCodes: every slot down by a stop code stops the app; a bad list is refused by name', async () => {
  // Instance 0 exits last, with 2.
  const hive = startHive([exitApp, '-i', '2', '--stop-exit-codes', '0,2'], {
    EXIT_CODE_0: '2',
    EXIT_CODE_1: '0',
    EXIT_DELAY_0: '1500',
  });
  const stopped = await hive.waitFor(isEvent('state', { state: 'stopped' }), 'the app stopped by itself');
  const last = stopped.lastExit as { instance: number; code: number };
  assert.deepEqual([last.instance, last.code], [0, 2]);
  assert.equal((await hive.exited).code, 2);
  assert.deepEqual(events(hive.records, 'restart'), []);

  for (const bad of ['256', 'x', '1,-1', '1.5']) {
    const result = await runHive(['run', exitApp, '--stop-exit-codes', bad]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected `--stop-exit-codes` to be a list of exit codes/);
  }
  // The driver's `new Supervisor()` throws at once.
  const driver = startDriver({ script: exitApp, instances: 1, stopExitCodes: [300] });
  assert.notEqual((await driver.exited).code, 0);
  assert.match(driver.stderr.join(''), /Expected `stopExitCodes` to be a list of exit codes \(integers 0-255\), got/);
});

test('a worker killed by a signal is restarted even with stopExitCodes [0]; with --no-autorestart hive run exits 1', async () => {
  const hive = startHive([exitApp, '-i', '1', '--stop-exit-codes', '0']);
  const ready = await hive.waitFor(isEvent('worker', { instance: 0, state: 'ready' }), 'instance 0 ready');
  process.kill(ready.pid as number, 'SIGKILL');
  const exit = await hive.waitFor(isEvent('exit', { pid: ready.pid }), 'the killed worker exits');
  assert.deepEqual([exit.code, exit.signal, exit.noRestart], [null, 'SIGKILL', undefined]);
  await hive.waitFor(isEvent('restart', { instance: 0 }), 'instance 0 restarted');
  await hive.waitFor((r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== ready.pid, 'back');
  hive.kill();
  assert.equal((await hive.exited).code, 0);

  // Left down by --no-autorestart, a signal death ends the run with 1.
  const once = startHive([exitApp, '-i', '1', '--no-autorestart']);
  const worker = await once.waitFor(isEvent('worker', { instance: 0, state: 'ready' }), 'the worker ready');
  process.kill(worker.pid as number, 'SIGKILL');
  const stopped = await once.waitFor(isEvent('state', { state: 'stopped' }), 'the app stopped by itself');
  assert.equal((stopped.lastExit as { signal: string }).signal, 'SIGKILL');
  assert.equal((await once.exited).code, 1);
});

test('--no-autorestart: the process left down during a failed memory replacement still ends the app', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-mem-once-'));
  try {
    // The first process goes over the limit, and exits 0 while its replacement (which never listens) is awaited.
    const hive = startHive(
      [
        fixture('mem-once.cjs'),
        '-i',
        '1',
        '--no-autorestart',
        '--max-memory-restart',
        '100M',
        '--listen-timeout',
        '4s',
      ],
      { MEM_ONCE_DIR: dir },
    );
    await hive.waitFor(isEvent('memory-limit', { instance: 0 }), 'the memory limit hit');
    const stopped = await hive.waitFor(isEvent('state', { state: 'stopped' }), 'the app stopped by itself', 20_000);
    assert.deepEqual([(stopped.lastExit as { code: number }).code], [0]);
    assert.equal((await hive.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
