/**
 * Rendezvous (highest-random-weight) hashing of a client's key hash over slots: each slot gets a weight from
 * (hash, the slot's key: its instance number) and the client goes to the usable slot with the highest one. A slot's
 * weights do not depend on how many slots there are, so a scale from n to n+1 moves only the clients the new slot wins
 * (about 1 in n+1), a scale down only the removed slots' clients, and a dead slot's clients spread over the others
 * (each to its own runner-up) while every other client stays. Hashing modulo the count instead moved most clients on
 * any scale. The weights come from the slots' keys, not their positions: a scale down may remove a low instance and a
 * scale up refill it, which shifts positions, and weighing positions would then move most clients of the live workers.
 * @param hash - the client key's hash (hashKey)
 * @param keys - the slots' keys (their instance numbers), one per slot
 * @param usable - whether the slot at a position may take the client now (its worker ready); all are, when left out
 * @returns the winning slot's position in `keys`, or undefined when no slot is usable
 */
export function stickySlot(
  hash: number,
  keys: readonly number[],
  usable: (position: number) => boolean = () => true,
): number | undefined {
  let best: number | undefined;
  let bestWeight = -1;
  for (let position = 0; position < keys.length; position++) {
    const weight = mix(hash ^ mix(keys[position]! + 0x9e3779b9));
    // Ties go to the earlier slot: strictly greater only.
    if (weight > bestWeight && usable(position)) {
      best = position;
      bestWeight = weight;
    }
  }
  return best;
}

// murmur3's 32-bit finalizer: every input bit flips about half the output bits, so the per-slot weights of one key
// are independent enough even though hashKey (FNV-1a) mixes its last characters poorly.
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
