import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { alive, fixture, freePort, get, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

test('a worker over maxMemoryRestart with a blocked event loop is replaced, and SIGKILLed when it does not drain', async () => {
  const port = await freePort();
  const hive = startHive([
    fixture('blocked-loop.mjs'),
    '-i',
    '1',
    '--port',
    String(port),
    '--max-memory-restart',
    '120M',
    '--memory-report-interval',
    '100ms',
    '--kill-timeout',
    '1s',
  ]);
  let old: number | undefined;
  try {
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
    old = hive.readyPids().get(0)!;
    // It never reports its memory again: only the primary's own reading of it can see it over the limit.
    await get(port, '/block?mb=200');
    const limit = await hive.waitFor(isEvent('memory-limit', { pid: old }), 'memory-limit event of the blocked worker');
    assert.ok((limit.rss as number) > (limit.limit as number));
    const exit = await hive.waitFor(isEvent('exit', { pid: old }), 'the blocked worker exit');
    assert.equal(exit.signal, 'SIGKILL', 'a loop that never drains is killed after killTimeout');
    const replacement = hive.readyPids().get(0);
    assert.ok(replacement !== undefined && replacement !== old);
    assert.equal((await get(port)).pid, replacement);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  } finally {
    // On a regression the blocked worker would outlive the primary killAll SIGKILLs.
    if (old !== undefined && alive(old)) process.kill(old, 'SIGKILL');
  }
});
