/**
 * CPU seconds per process slot over every process the slot had, from /proc readings of its live one: what
 * `process_cpu_seconds_total` of an app the daemon describes itself (fork mode) must be, a counter that a restart
 * does not take back to 0 (Prometheus would read that as a reset). A process's time after the last reading before
 * its exit is not counted.
 */
export class SlotCpuTotals {
  readonly #slots = new Map<number, { pid: number; seen: number; before: number }>();

  /** The slot's total, given its live process and that process's CPU seconds now. */
  total(slot: number, pid: number, seconds: number): number {
    let entry = this.#slots.get(slot);
    if (entry === undefined) {
      entry = { pid, seen: 0, before: 0 };
      this.#slots.set(slot, entry);
    } else if (entry.pid !== pid) {
      entry.before += entry.seen;
      entry.pid = pid;
      entry.seen = 0;
    }
    entry.seen = Math.max(entry.seen, seconds);
    return entry.before + entry.seen;
  }

  /**
   * Every slot's total as last computed, by slot number, those with no live process now too (waiting to restart,
   * errored, removed by a scale-down): a counter that vanished would drop `sum(process_cpu_seconds_total)`.
   */
  totals(): Map<number, number> {
    return new Map([...this.#slots].sort((a, b) => a[0] - b[0]).map(([slot, e]) => [slot, e.before + e.seen]));
  }
}
