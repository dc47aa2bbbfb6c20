import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, type HiveRecord, isEvent, killAll, startLimited } from './helpers.js';

after(killAll);

// What happened to the slot from the kill on: exits, restarts, ready processes and warnings of spawns, in order.
function story(records: readonly HiveRecord[], victim: number): string[] {
  const from = records.findIndex(isEvent('exit', { pid: victim }));
  return records.slice(from).flatMap((r) => {
    if (r.kind !== 'event') return [];
    if (r.type === 'exit') return [r.spawnError !== undefined ? `exit: ${r.spawnError}` : `exit: ${r.signal}`];
    if (r.type === 'restart') return [`restart ${r.attempt}`];
    if (r.type === 'worker' && r.state === 'ready') return ['ready'];
    if (r.type === 'warning' && String(r.message).includes('could not be started')) return [`warning: ${r.message}`];
    return [];
  });
}

// A fork that fails (out of file descriptors: EMFILE; EAGAIN, ENOENT alike) gives a process with no pid, no pipes and
// no IPC channel, and an 'error' on the next tick: the primary read its channel first, and died of a TypeError.
// Node throws, rather than emits, a spawn error it does not expect at run time (E2BIG here, ENOMEM alike): from the
// restart's timer, which ended the primary.
for (const [failure, failed] of [
  ['emfile', /^exit: spawn \S+ EMFILE$/],
  ['e2big', /^warning: worker 0 could not be started \(spawn (\S+ )?E2BIG\)$/],
] as const) {
  test(`a restart whose fork fails (${failure}) is a crash of the slot, restarted with backoff; the primary stays up`, async () => {
    const port = await freePort();
    const options = { script: fixture('app.js'), instances: 1, port, expBackoffRestartDelay: 20, minUptime: 30_000 };
    const hive = startLimited([fixture('spawn-failure-driver.mjs'), JSON.stringify(options), failure], 256);
    await hive.waitFor((r) => r.kind === 'result' && r.command === 'start', 'start');
    const victim = hive.readyPids().get(0)!;
    process.kill(victim, 'SIGKILL');
    await hive.waitFor(
      (r) => isEvent('worker', { instance: 0, state: 'ready' })(r) && r.pid !== victim,
      'a process ready again once the fork can succeed',
    );
    const steps = story(hive.records, victim);
    assert.equal(steps.length, 5, steps.join('\n'));
    assert.deepEqual([steps[0], steps[1], steps[3], steps[4]], ['exit: SIGKILL', 'restart 1', 'restart 2', 'ready']);
    assert.match(steps[2]!, failed);
    assert.equal(hive.child.exitCode, null, hive.stderr.join(''));
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0, hive.stderr.join(''));
  });
}
