import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockLoop, freePort, killAll, unblockLoop } from '../cluster/helpers.js';
import { type Described, startBlockedLoopApp, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// The worker of `slot` in `hive describe --json`.
const workerOf = (app: Described, slot: number) =>
  app.processes.find((p) => p.role === 'worker' && p.instance === slot)!;

test('hive ls and describe mark a cluster app worker whose event loop is blocked, in text and JSON, until it reports again', async () => {
  const port = await freePort();
  await startBlockedLoopApp(hive, port, ['--kill-timeout', '1s', '--memory-report-interval', '200ms'], 2);
  try {
    const before = await hive.json<Described>(['describe', 'api']);
    const hung = workerOf(before, 0).pid;
    assert.equal(workerOf(before, 0).unresponsive, false);
    assert.equal(workerOf(before, 1).unresponsive, false);
    assert.equal(before.unresponsive, 0);

    // Three 200 ms intervals are under the 3 s floor: marked after 3 s without a report, cleared 200 ms after the block.
    blockLoop(hung);
    const marked = await waitFor(async () => {
      const app = await hive.json<Described>(['describe', 'api']);
      return workerOf(app, 0).unresponsive ? app : undefined;
    }, 'worker 0 marked unresponsive');
    assert.equal(workerOf(marked, 0).state, 'ready', 'a mark, not a state');
    assert.equal(workerOf(marked, 1).unresponsive, false);
    assert.equal(marked.processes.find((p) => p.role === 'primary')!.unresponsive, false);
    assert.equal(marked.status, 'online');
    assert.equal(marked.unresponsive, 1);

    const [listed] = await hive.json<Described[]>(['ls']);
    assert.equal(listed!.status, 'online');
    assert.equal(listed!.unresponsive, 1);
    assert.equal(workerOf(listed!, 0).unresponsive, true);

    const ls = await hive.run(['ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /\bapi\b.*\bonline \(1 unresponsive\)/);
    const describe = await hive.run(['describe', 'api']);
    assert.equal(describe.code, 0, describe.stderr);
    assert.match(describe.stdout, new RegExp(`^worker 0\\s+${hung}\\s+ready \\(unresponsive\\)`, 'm'));
    assert.doesNotMatch(describe.stdout, /^worker 1\s.*unresponsive/m);
    // The mark is an event of the app's too (daemon.log and the live views' time axis).
    const logged = new RegExp(`api: worker 0 \\(pid ${hung}\\) unresponsive: no report for`);
    await waitFor(() => logged.test(hive.readLog('../daemon.log')), 'the mark in daemon.log');

    unblockLoop(hung);
    const cleared = await waitFor(async () => {
      const app = await hive.json<Described>(['describe', 'api']);
      return workerOf(app, 0).unresponsive === false ? app : undefined;
    }, 'worker 0 cleared');
    assert.equal(workerOf(cleared, 0).pid, hung, 'not restarted');
    assert.equal(cleared.unresponsive, 0);
    const again = await hive.run(['ls']);
    assert.match(again.stdout, /\bapi\b.*\bonline\b/);
    assert.doesNotMatch(again.stdout, /unresponsive/);
  } finally {
    await killAll();
  }
});

test('a worker marked unresponsive is no longer marked once it drains in a reload (no clear follows its last report)', async () => {
  const own = tempHome();
  const port = await freePort();
  // The blocked worker drains until it is unblocked: far within its kill timeout.
  await startBlockedLoopApp(own, port, ['--kill-timeout', '120s'], 1);
  try {
    const hung = workerOf(await own.json<Described>(['describe', 'api']), 0).pid;
    blockLoop(hung);
    await waitFor(async () => {
      const app = await own.json<Described>(['describe', 'api']);
      return workerOf(app, 0).unresponsive || undefined;
    }, 'worker 0 marked unresponsive');

    const reload = own.run(['reload', 'api']);
    const draining = await waitFor(async () => {
      const app = await own.json<Described>(['describe', 'api']);
      const old = app.processes.find((p) => p.pid === hung);
      return old && old.state !== 'ready' ? { app, old } : undefined;
    }, 'the hung worker draining');
    assert.equal(draining.old.unresponsive, false, `${draining.old.state}, not ready: not marked`);
    assert.equal(draining.app.unresponsive, 0);

    unblockLoop(hung);
    assert.equal((await reload).code, 0);
  } finally {
    await killAll();
  }
});
