import type { AppMetric } from './app-metrics.js';

/**
 * Per histogram family of the app's, the bounds (`le` values) of the newest process that has had series of it, even
 * one that has exited since: a process with other bounds (an older one, during a reload or after a restart) must not
 * be summed with it, since counts cannot be moved from one set of bounds to another, and two sets summed are no
 * histogram (buckets out of order, no longer cumulative). Older processes never take over again, so the exposed
 * bounds do not flip back and forth while old and new processes run side by side.
 */
export class NewestBuckets {
  readonly #bounds = new Map<string, { order: number; key: string }>();

  /** Takes the bounds of a process's answer; `order` grows with the process's first answer. */
  see(order: number, list: AppMetric[]): void {
    for (const family of list) {
      const key = bucketsOf(family);
      if (key === '') continue;
      const newest = this.#bounds.get(family.name);
      if (newest === undefined || order >= newest.order) this.#bounds.set(family.name, { order, key });
    }
  }

  /** Whether `family` can be summed with the newest process's: not a histogram, no series yet, or the same bounds. */
  fits(family: AppMetric): boolean {
    const key = bucketsOf(family);
    const newest = this.#bounds.get(family.name);
    return key === '' || newest === undefined || newest.key === key;
  }
}

/**
 * A histogram family's bounds, as one key: '' for another type, or a histogram with no series yet (labelled, nothing
 * observed), which adds nothing and so fits any bounds.
 */
export function bucketsOf(family: AppMetric): string {
  if (family.type !== 'histogram') return '';
  const les = new Set<string>();
  for (const value of family.values)
    if (value.metricName?.endsWith('_bucket') && value.labels.le !== undefined) les.add(String(value.labels.le));
  // Sorted as strings: the key only tells bound sets apart.
  return [...les].sort().join(',');
}
