// A process that escaped an app process's tree keeps that process's stdout and stderr open for as long as it runs.
// Fork mode acted on a process's pipes' close and waited on such a one (fixed with cluster/child-close.ts); a cluster
// worker's end is its 'exit', which this pins: a crash restart, a reload and a stop go on at once, none waits for the
// escaped process or for killTimeout.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { poll } from '../poll.js';
import { fixture, freePort, get, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

test('cluster mode: a crash, a reload and a stop do not wait on a process that escaped holding the pipes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-escaped-'));
  const escaped = () =>
    readdirSync(dir)
      .map((file) => Number(readFileSync(join(dir, file), 'utf8')))
      .filter((pid) => pid > 0);
  try {
    const port = await freePort();
    // A killTimeout no step may reach: one that waited for the escaped processes would be SIGKILLed (a `killed` event).
    const args = [fixture('escaping-grandchild.cjs'), '-i', '2', '--port', String(port), '--kill-timeout', '10m'];
    const hive = startHive(args, { PIDS_DIR: dir });
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    await poll(() => escaped().length === 2, 'the escaped processes of both workers');
    await get(port, '/crash').catch(() => {});
    await hive.waitFor(isEvent('exit', { code: 3 }), 'the crash');
    await hive.waitFor(isEvent('restart'), 'the crash restarted');
    const readied = () => hive.records.filter(isEvent('worker', { state: 'ready' })).length;
    await poll(() => readied() === 3, 'its restart ready');
    hive.kill('SIGHUP');
    await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload done', 60_000);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
    assert.equal(hive.records.filter(isEvent('killed')).length, 0, 'no process sat out killTimeout');
    // Two first workers, the restart, the reload's two: each left one that ran through it all.
    assert.equal(escaped().length, 5);
    for (const pid of escaped()) assert.equal(isAlive(pid), true, `escaped process ${pid}`);
  } finally {
    for (const pid of escaped()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
