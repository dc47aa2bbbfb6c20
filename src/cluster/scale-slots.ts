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
 * Where a slot stands, furthest from serving first: `down` (left down for good), `errored` (crash-looped, no process
 * until a reload), `restarting` (no process, a crash restart waits for its delay), `starting` (its process is not
 * ready yet), `serving`.
 */
export type SlotStanding = 'down' | 'errored' | 'restarting' | 'starting' | 'serving';

const RANK: Record<SlotStanding, number> = { down: 0, errored: 1, restarting: 2, starting: 3, serving: 4 };

/**
 * The order in which a scale down removes slots: those that do not serve first (furthest from serving first), then
 * the highest instances, so that `scale 2` of 4 whose instance 1 waits for its crash restart keeps two serving
 * processes (0 and 2), not one. The kept ones keep their numbers (a running process cannot change its HIVE_INSTANCE):
 * as in PM2, the numbers can then have gaps.
 */
export function scaleDownOrder<T extends { instance: number }>(
  slots: readonly T[],
  standing: (slot: T) => SlotStanding,
): T[] {
  const rank = (slot: T) => RANK[standing(slot)];
  return [...slots].sort((a, b) => rank(a) - rank(b) || b.instance - a.instance);
}
