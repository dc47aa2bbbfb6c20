import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashKey } from '../../dist/cluster/sticky-mode.js';
import { stickySlot } from '../../dist/cluster/sticky-slot.js';

const hashes = Array.from({ length: 10_000 }, (_, i) => hashKey(`client-${i}`));
// Instances 0 … count-1.
const first = (count: number) => Array.from({ length: count }, (_, i) => i);

function moved(pick: (hash: number, count: number) => number | undefined, from: number, to: number): number {
  return hashes.filter((hash) => pick(hash, from) !== pick(hash, to)).length;
}

test('sticky slot: a scale 3 -> 4 or 4 -> 3 moves about 1 client in 4, not most of them as modulo did', () => {
  const modulo = (hash: number, count: number) => hash % count;
  // The old scheme, for scale: 3 of 4 clients changed worker.
  assert.ok(moved(modulo, 3, 4) > 7_000, `modulo moved ${moved(modulo, 3, 4)}`);
  // 1/4 of 10000 is 2500; 2750 leaves 10 % for the hash's unevenness.
  for (const [from, to] of [
    [3, 4],
    [4, 3],
  ] as const) {
    const count = moved((hash, n) => stickySlot(hash, first(n)), from, to);
    assert.ok(count <= 2_750, `${from} -> ${to} moved ${count} of 10000`);
  }
  // The clients that move on a scale up all go to the new slot; on a scale down, only the removed slot's move.
  for (const hash of hashes) {
    const before = stickySlot(hash, first(3));
    const after = stickySlot(hash, first(4));
    assert.ok(after === before || after === 3, `${before} -> ${after}`);
  }
});

test('sticky slot: clients spread evenly, and a dead slot spreads its own clients while the others stay', () => {
  const counts = [0, 0, 0, 0];
  for (const hash of hashes) counts[stickySlot(hash, first(4))!]!++;
  for (const count of counts) assert.ok(count > 2_250 && count < 2_750, `per slot: ${counts}`);

  const spread = [0, 0, 0, 0];
  for (const hash of hashes) {
    const live = stickySlot(hash, first(4));
    const without1 = stickySlot(hash, first(4), (slot) => slot !== 1);
    if (live !== 1) assert.equal(without1, live);
    else spread[without1!]!++;
  }
  // Slot 1's clients go to each of the three others, not all to one neighbour (which would then carry double).
  assert.equal(spread[1], 0);
  for (const slot of [0, 2, 3]) assert.ok(spread[slot]! > counts[1]! / 5, `slot 1's clients went ${spread}`);
  assert.equal(
    stickySlot(hashes[0]!, first(4), () => false),
    undefined,
  );
});

// The instance a client goes to, of the slots holding `instances`.
function instanceOf(hash: number, instances: number[]): number {
  const position = stickySlot(hash, instances);
  assert.ok(position !== undefined && position < instances.length, `position ${position}`);
  return instances[position]!;
}

test('sticky slot: weighs instance numbers, so removing a low instance moves only its own clients', () => {
  // A scale down that removes instance 0 (left down) turns [0, 1, 2] into [1, 2]: positions shift, instances stay.
  for (const hash of hashes) {
    const before = instanceOf(hash, [0, 1, 2]);
    if (before !== 0) assert.equal(instanceOf(hash, [1, 2]), before, `a client of instance ${before} moved`);
  }
  // And a scale up refilling instance 0 at the front moves only the clients instance 0 wins.
  for (const hash of hashes) {
    const before = instanceOf(hash, [1, 2]);
    const after = instanceOf(hash, [0, 1, 2]);
    assert.ok(after === before || after === 0, `${before} -> ${after}`);
  }
});
