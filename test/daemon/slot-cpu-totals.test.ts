import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotCpuTotals } from '../../dist/daemon/slot-cpu-totals.js';

test("a slot's CPU seconds go on across its processes and never go down", () => {
  const totals = new SlotCpuTotals();
  assert.equal(totals.total(0, 100, 2), 2);
  assert.equal(totals.total(1, 200, 1), 1, 'slots apart');
  assert.equal(totals.total(0, 100, 3), 3);
  // A restart: the new process starts from 0, the slot from what the old one was last seen at.
  assert.equal(totals.total(0, 101, 0.5), 3.5);
  assert.equal(totals.total(0, 101, 1), 4);
  assert.equal(totals.total(1, 200, 1), 1);
});

test('totals keeps every slot seen, with its last total, by slot number', () => {
  const totals = new SlotCpuTotals();
  totals.total(1, 200, 1);
  totals.total(0, 100, 2);
  totals.total(0, 101, 0.5);
  assert.deepEqual(
    [...totals.totals()],
    [
      [0, 2.5],
      [1, 1],
    ],
  );
});
