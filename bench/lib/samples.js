// Per-round figures of every subject, and their medians in the contract's result form.
import { median } from './stats.js';

export class Samples {
  /** @type {Map<string, Map<string, number[]>>} subject -> metric -> one value per round */
  #data = new Map();

  /**
   * Adds one round's value; non-finite values are refused (a figure that failed has no value, not NaN).
   * @param {string} subject
   * @param {string} metric
   * @param {number} value
   */
  record(subject, metric, value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`${subject} ${metric}: expected a finite number, got ${value}`);
    }
    if (!this.#data.has(subject)) this.#data.set(subject, new Map());
    const byMetric = this.#data.get(subject);
    if (!byMetric.has(metric)) byMetric.set(metric, []);
    byMetric.get(metric).push(value);
  }

  /**
   * @param {string} subject
   * @param {string} metric
   * @returns {number[]} the values recorded so far, in round order (empty when none)
   */
  values(subject, metric) {
    return [...(this.#data.get(subject)?.get(metric) ?? [])];
  }

  /**
   * @param {string} subject
   * @param {string} metric
   * @returns {number} median over rounds, NaN when nothing was recorded
   */
  median(subject, metric) {
    return median(this.values(subject, metric));
  }

  /**
   * Medians as contract results, subject by subject in the given order, metrics in the order of `units`; a metric a
   * subject has no value for is left out.
   * @param {readonly string[]} subjects
   * @param {Record<string, string>} units metric -> unit
   * @returns {{ subject: string, metric: string, value: number, unit: string }[]}
   */
  toResults(subjects, units) {
    const results = [];
    for (const subject of subjects) {
      for (const [metric, unit] of Object.entries(units)) {
        const value = this.median(subject, metric);
        if (Number.isFinite(value)) results.push({ subject, metric, value, unit });
      }
    }
    return results;
  }
}
