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

/**
 * The order in which a scale down removes slots: those down for good first, then errored ones (crash-looped, no
 * process until a reload), then the highest instances, so that `scale 1` of an errored and a live slot keeps the live one.
 */
export function scaleDownOrder<T extends { instance: number; errored: boolean }>(
  slots: readonly T[],
  isDown: (slot: T) => boolean,
): T[] {
  const rank = (slot: T) => (isDown(slot) ? 0 : slot.errored ? 1 : 2);
  return [...slots].sort((a, b) => rank(a) - rank(b) || b.instance - a.instance);
}
