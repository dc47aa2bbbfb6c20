// Which slots a scale adds and removes, shared by the cluster Supervisor and the fork-mode primary.

/**
 * The `count` smallest instance numbers no slot holds: after a scale down has removed a low slot (one left down), a
 * scale up fills that number again rather than giving two slots one HIVE_INSTANCE.
 */
export function freeInstances(slots: readonly { instance: number }[], count: number): number[] {
  const taken = new Set(slots.map((slot) => slot.instance));
  const free: number[] = [];
  for (let instance = 0; free.length < count; instance++) if (!taken.has(instance)) free.push(instance);
  return free;
}

/** The order in which a scale down removes slots: those down for good first, then the highest instances. */
export function scaleDownOrder<T extends { instance: number }>(slots: readonly T[], isDown: (slot: T) => boolean): T[] {
  return [...slots].sort((a, b) => Number(isDown(b)) - Number(isDown(a)) || b.instance - a.instance);
}
