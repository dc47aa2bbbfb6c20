/**
 * Rendezvous (highest-random-weight) hashing of a client's key hash over slot indices: each slot gets a weight from
 * (hash, slot) and the client goes to the usable slot with the highest one. A slot's weights do not depend on how many
 * slots there are, so a scale from n to n+1 moves only the clients the new slot wins (about 1 in n+1), a scale down
 * only the removed slots' clients, and a dead slot's clients spread over the others (each to its own runner-up) while
 * every other client stays. Hashing modulo the count instead moved most clients on any scale.
 * @param hash - the client key's hash (hashKey)
 * @param count - the number of slots; they are 0 … count-1
 * @param usable - whether a slot may take the client now (its worker ready); all are, when left out
 * @returns the slot, or undefined when no slot is usable
 */
export function stickySlot(
  hash: number,
  count: number,
  usable: (slot: number) => boolean = () => true,
): number | undefined {
  let best: number | undefined;
  let bestWeight = -1;
  for (let slot = 0; slot < count; slot++) {
    const weight = mix(hash ^ mix(slot + 0x9e3779b9));
    // Ties go to the lower slot: strictly greater only.
    if (weight > bestWeight && usable(slot)) {
      best = slot;
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
