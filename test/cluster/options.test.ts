import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import {
  formatEvent,
  formatLine,
  parseDuration,
  parseSize,
  parseStickyMode,
  RestartPolicy,
  resolveInstances,
  supportsReusePort,
} from '../../dist/cluster/index.js';
import { BACKOFF_RESET_UPTIME } from '../../dist/cluster/restart-policy.js';
import { hashKey, stickyKey } from '../../dist/cluster/sticky-mode.js';
import { availableCores } from '../../dist/pool/index.js';

const cgroup = (name: string) => new URL(`../fixtures/cluster/cgroup/${name}/`, import.meta.url).pathname;

test('instances: n, max, -1; anything else is rejected naming the value', () => {
  assert.equal(resolveInstances(3, 8), 3);
  assert.equal(resolveInstances('3', 8), 3);
  assert.equal(resolveInstances('max', 8), 8);
  assert.equal(resolveInstances(-1, 8), 7);
  assert.equal(resolveInstances('-1', 1), 1);
  for (const bad of ['x', -2, 1.5, '', null, '2x']) {
    assert.throws(() => resolveInstances(bad, 8), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /`instances`/ });
  }
});

test('max follows the cgroup CPU quota (v2 cpu.max, tightest ancestor; v1 CFS quota) from fixture trees', () => {
  const cpus = availableParallelism();
  assert.equal(resolveInstances('max', availableCores(cgroup('v2-half'))), 1);
  assert.equal(resolveInstances('max', availableCores(cgroup('v2-unlimited'))), cpus);
  assert.equal(resolveInstances('max', availableCores(cgroup('v1-one'))), 1);
  assert.equal(resolveInstances('max', availableCores(cgroup('v1-unlimited'))), cpus);
  assert.equal(resolveInstances('-1', availableCores(cgroup('v1-one'))), 1);
  assert.equal(resolveInstances('max', availableCores('/nonexistent-root/')), cpus);
});

test('sizes and durations', () => {
  assert.equal(parseSize('300M', 'k'), 300 * 1024 * 1024);
  assert.equal(parseSize('1G', 'k'), 1024 ** 3);
  assert.equal(parseSize('512kb', 'k'), 512 * 1024);
  assert.equal(parseSize(1000, 'k'), 1000);
  assert.throws(() => parseSize('300X', 'maxMemoryRestart'), /`maxMemoryRestart`.*"300X"/);
  assert.throws(() => parseSize(0, 'k'), { code: 'ERR_HIVE_INVALID_ARGUMENT' });
  assert.equal(parseDuration('500ms', 'k'), 500);
  assert.equal(parseDuration('5s', 'k'), 5000);
  assert.equal(parseDuration('1m', 'k'), 60_000);
  assert.equal(parseDuration('250', 'k'), 250);
  assert.throws(() => parseDuration('-1s', 'killTimeout'), /`killTimeout`/);
  assert.equal(parseDuration('1h', 'k'), 3_600_000);
  // Past node's timer limit a timeout would fire after 1 ms: refused, naming the key.
  assert.equal(parseDuration(2 ** 31 - 1, 'k'), 2 ** 31 - 1);
  assert.throws(() => parseDuration(3e9, 'killTimeout'), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /`killTimeout`/,
  });
  assert.throws(() => parseDuration('600h', 'listenTimeout'), /`listenTimeout`.*at most 2147483647 ms/);
});

test('sticky modes and keys: header, cookie, else the address', () => {
  assert.deepEqual(parseStickyMode('ip'), { by: 'ip' });
  assert.deepEqual(parseStickyMode('header:x-client'), { by: 'header', name: 'x-client' });
  assert.deepEqual(parseStickyMode('cookie:sid'), { by: 'cookie', name: 'sid' });
  assert.throws(() => parseStickyMode('cookie:'), { code: 'ERR_HIVE_INVALID_ARGUMENT' });
  const head = 'GET / HTTP/1.1\r\nHost: x\r\nX-Client: abc\r\nCookie: a=1; sid=s3cr3t\r\n\r\n';
  assert.equal(stickyKey({ by: 'header', name: 'x-client' }, head, '1.2.3.4'), 'abc');
  assert.equal(stickyKey({ by: 'cookie', name: 'sid' }, head, '1.2.3.4'), 's3cr3t');
  assert.equal(stickyKey({ by: 'cookie', name: 'none' }, head, '1.2.3.4'), '1.2.3.4');
  assert.equal(stickyKey({ by: 'ip' }, head, '1.2.3.4'), '1.2.3.4');
  assert.equal(hashKey('abc'), hashKey('abc'));
  assert.notEqual(hashKey('abc'), hashKey('abd'));
});

test('restart policy: exponential backoff, capped; crash loop -> errored, its count reset by a stable run', () => {
  const policy = new RestartPolicy({
    restartDelay: 0,
    expBackoffRestartDelay: 100,
    maxRestartDelay: 300,
    maxRestarts: 4,
    minUptime: 1000,
  });
  const delays = [0, 0, 0, 0].map(() => policy.onCrash(10));
  assert.deepEqual(
    delays.map((d) => (d.action === 'restart' ? d.delay : -1)),
    [100, 150, 225, 300],
  );
  assert.equal(policy.onCrash(10).action, 'errored');
  const fresh = new RestartPolicy({
    restartDelay: 50,
    expBackoffRestartDelay: 0,
    maxRestartDelay: 300,
    maxRestarts: 1,
    minUptime: 1000,
  });
  assert.deepEqual(fresh.onCrash(10), { action: 'restart', attempt: 1, delay: 50 });
  // A stable run forgets the earlier crashes of the crash loop (not the backoff's: see below); its crash is the first
  // of a new row, restarted once (maxRestarts 1), and the crash of that restart ends the row.
  assert.deepEqual(fresh.onCrash(5000), { action: 'restart', attempt: 2, delay: 50 });
  assert.equal(fresh.onCrash(10).action, 'errored');
});

/** The restarts a slot gets before it is errored: crashes of `uptimes` first, then crashes before minUptime. */
function restartsUntilErrored(maxRestarts: number, uptimes: number[]): number {
  const policy = new RestartPolicy({
    restartDelay: 0,
    expBackoffRestartDelay: 100,
    maxRestartDelay: 300,
    maxRestarts,
    minUptime: 1000,
  });
  let restarts = 0;
  for (const uptime of uptimes) {
    assert.equal(policy.onCrash(uptime).action, 'restart');
    restarts += 1;
  }
  while (policy.onCrash(10).action === 'restart') restarts += 1;
  return restarts;
}

// maxRestarts 10 is 10 restarts in a row, then errored, whether the loop begins at the slot's start or after a long
// run: a process up a while that then crash-looped got 11 (its crash was not counted), in the Supervisor and in the
// daemon's respawn of a primary alike (one policy).
test('restart policy: maxRestarts N is N restarts in a row, also when the row begins with a stable run', () => {
  assert.equal(restartsUntilErrored(10, []), 10);
  assert.equal(restartsUntilErrored(10, [5000]), 10);
  // Two crashes of an earlier row, then a stable run: its row has 10 restarts of its own.
  assert.equal(restartsUntilErrored(10, [10, 10, 5000]), 2 + 10);
  assert.equal(restartsUntilErrored(3, [60_000, 5000]), 4);
  // A stable run's crash is always restarted, 0 allowing none after it.
  assert.equal(restartsUntilErrored(0, []), 0);
  assert.equal(restartsUntilErrored(0, [5000, 5000]), 2);
});

// PM2 starts its backoff over only once a process has been up 30 s (EXP_BACKOFF_RESET_TIMER); minUptime (1 s by
// default) reset it too, so a process that crashed a few seconds into each run was restarted at the first delay forever.
test('restart policy: the backoff grows across runs past minUptime, and starts over after a 30 s run', () => {
  const policy = new RestartPolicy({
    restartDelay: 0,
    expBackoffRestartDelay: 100,
    maxRestartDelay: 300,
    maxRestarts: 0,
    minUptime: 1000,
  });
  const decisions = [5000, 5000, 5000, 5000].map((uptime) => policy.onCrash(uptime));
  assert.deepEqual(
    decisions.map((d) => (d.action === 'restart' ? [d.attempt, d.delay] : d.action)),
    [
      [1, 100],
      [2, 150],
      [3, 225],
      [4, 300],
    ],
  );
  assert.equal(BACKOFF_RESET_UPTIME, 30_000);
  assert.deepEqual(policy.onCrash(BACKOFF_RESET_UPTIME - 1), { action: 'restart', attempt: 5, delay: 300 });
  assert.deepEqual(policy.onCrash(BACKOFF_RESET_UPTIME), { action: 'restart', attempt: 1, delay: 100 });
  // Runs past minUptime are no crash loop, even with maxRestarts 0; the first crash before it is.
  assert.equal(policy.onCrash(10).action, 'errored');
});

// PM2 waits its exp_backoff_restart_delay before the first restart however long it is; the 15 s cap lowered a longer
// one silently (`hive describe` said "exp backoff from 30s", and each restart came after 15 s).
test('restart policy: a first backoff delay above the cap is kept, and the backoff stays there', () => {
  const policy = new RestartPolicy({
    restartDelay: 0,
    expBackoffRestartDelay: 30_000,
    maxRestartDelay: 15_000,
    maxRestarts: 10,
    minUptime: 1000,
  });
  const delays = [0, 0, 0].map(() => policy.onCrash(10));
  assert.deepEqual(
    delays.map((d) => (d.action === 'restart' ? d.delay : -1)),
    [30_000, 30_000, 30_000],
  );
});

test('reusePort support by Node.js version', () => {
  assert.equal(supportsReusePort('20.19.0'), false);
  assert.equal(supportsReusePort('22.11.0'), false);
  assert.equal(supportsReusePort('22.12.0'), true);
  assert.equal(supportsReusePort('23.1.0'), true);
  assert.equal(supportsReusePort('24.0.0'), true);
});

test('log format: text lines prefixed by app and instance, JSON one object a line', () => {
  const read = Date.parse('2026-11-30T13:05:09.123Z');
  const line = { instance: 1, pid: 42, stream: 'stdout' as const, line: 'hello', time: read };
  assert.equal(formatLine('text', 'api', line), '[api:1] hello');
  const { time, ...record } = JSON.parse(formatLine('json', 'api', line)) as Record<string, unknown>;
  // The time the primary read the line, not the time it is formatted.
  assert.equal(time, '2026-11-30T13:05:09.123Z');
  assert.deepEqual(record, { kind: 'log', app: 'api', instance: 1, pid: 42, stream: 'stdout', line: 'hello' });
  const restart = { type: 'restart' as const, instance: 0, attempt: 2, delay: 150 };
  assert.equal(formatEvent('text', 'api', restart), '[hive] api: restarting worker 0 in 150 ms (attempt 2)');
  const json = JSON.parse(formatEvent('json', 'api', restart)) as Record<string, unknown>;
  assert.deepEqual([json.kind, json.type, json.delay], ['event', 'restart', 150]);
});
