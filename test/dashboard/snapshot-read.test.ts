import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { HiveSnapshot } from '../../dist/dashboard/index.js';
import { readSnapshot } from '../../dist/dashboard/snapshot-read.js';

// The bounded read that the dashboard and `hive monit` share: each caller brings its bound, its error and its signal.

// The read's timer is unref'd (it must not hold a closing process), so something else keeps this one alive meanwhile.
const hold = setInterval(() => {}, 1000);
after(() => clearInterval(hold));

/** A source that never answers and records the signal of each read, as the daemon's (which closes its connection). */
function hungSource() {
  const signals: AbortSignal[] = [];
  return {
    signals,
    snapshot(options?: { signal?: AbortSignal }): Promise<HiveSnapshot> {
      if (options?.signal) signals.push(options.signal);
      return new Promise<HiveSnapshot>(() => {});
    },
  };
}

test('past the bound: the default error is ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT, and the source is told', async () => {
  const source = hungSource();
  await assert.rejects(readSnapshot(source, { timeout: 10 }), { code: 'ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT' });
  assert.equal(source.signals[0]?.aborted, true);
});

test("past the bound: the caller's own error (hive monit's), also given to the source as the abort reason", async () => {
  const source = hungSource();
  const own = new Error('no answer within 6 s; asking again');
  await assert.rejects(readSnapshot(source, { timeout: 10, timeoutError: () => own }), (error) => error === own);
  assert.equal(source.signals[0]?.reason, own);
});

test("the caller's signal gives the read up at once, with its reason, and tells the source", async () => {
  const source = hungSource();
  const caller = new AbortController();
  // A bound no test waits for: only the signal can end this read.
  const read = readSnapshot(source, { timeout: 0x7fffffff, signal: caller.signal });
  const reason = new Error('the view ended');
  caller.abort(reason);
  await assert.rejects(read, (error) => error === reason);
  assert.equal(source.signals[0]?.reason, reason);
  // An already aborted signal does not even ask the source.
  await assert.rejects(
    readSnapshot(source, { timeout: 0x7fffffff, signal: caller.signal }),
    (error) => error === reason,
  );
  assert.equal(source.signals.length, 1);
});

test('an answer, a rejection and a synchronous throw of the source pass through', async () => {
  const snapshot: HiveSnapshot = { time: 1, host: 'h', apps: [] };
  assert.deepEqual(await readSnapshot({ snapshot: async () => snapshot }, { timeout: 0x7fffffff }), snapshot);
  const failure = new Error('no daemon');
  await assert.rejects(
    readSnapshot({ snapshot: () => Promise.reject(failure) }, { timeout: 0x7fffffff }),
    (error) => error === failure,
  );
  const thrown = new Error('thrown');
  await assert.rejects(
    readSnapshot(
      {
        snapshot: () => {
          throw thrown;
        },
      },
      { timeout: 0x7fffffff },
    ),
    (error) => error === thrown,
  );
});
