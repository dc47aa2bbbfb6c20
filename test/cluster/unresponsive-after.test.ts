import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_UNRESPONSIVE_AFTER, unresponsiveAfter } from '../../dist/cluster/unresponsive-watch.js';

test('a worker is unresponsive after 3 report intervals of silence, never less than 3 s; never with reports off', () => {
  assert.equal(MIN_UNRESPONSIVE_AFTER, 3_000);
  assert.equal(unresponsiveAfter(100), 3_000, 'a short interval (tests) still waits 3 s: a GC pause is no hang');
  assert.equal(unresponsiveAfter(1_000), 3_000, 'the default interval');
  assert.equal(unresponsiveAfter(5_000), 15_000);
  assert.equal(unresponsiveAfter(0), undefined, '--memory-report-interval 0: no reports, so no silence to read');
});
