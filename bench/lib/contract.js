// The bench output contract of shared/DESIGN.md: one JSON object
//   { bench, node, cpus, results: [{ subject, metric, value, unit }], ratios: { <metric>: { <peer>: x } } }
// with every ratio oriented so that x > 1 means Hive is better (hive/peer for throughput, peer/hive for latency, time,
// memory). Orientation lives here, in one place, so that no bench gets it backwards.
import { availableParallelism } from 'node:os';

/** The subject whose figures the ratios are about. */
export const HIVE = 'hive';

// Units where a bigger number is better, and units where a smaller one is. A metric with another unit must say which
// way it goes (the `better` map); guessing would silently flip a ratio.
const HIGHER_UNITS = new Set(['tasks/s', 'req/s', 'ops/s', 'msg/s', 'MiB/s', 'x']);
const LOWER_UNITS = new Set(['ns', 'us', 'µs', 'ms', 's', 'B', 'KiB', 'MiB', 'GiB']);

/**
 * Which way a metric is better: an explicit entry in `better` wins, else the unit decides.
 * 'none' marks an informational metric (e.g. the offered rate of a latency run) that gets no ratio.
 * @param {string} metric
 * @param {string} unit
 * @param {Record<string, 'higher' | 'lower' | 'none'>} [better]
 * @returns {'higher' | 'lower' | 'none'}
 */
export function direction(metric, unit, better = {}) {
  const explicit = better[metric];
  if (explicit !== undefined) {
    if (explicit !== 'higher' && explicit !== 'lower' && explicit !== 'none') {
      throw new TypeError(
        `Expected better[${JSON.stringify(metric)}] to be 'higher', 'lower' or 'none', got ${JSON.stringify(explicit)}`,
      );
    }
    return explicit;
  }
  if (HIGHER_UNITS.has(unit)) return 'higher';
  if (LOWER_UNITS.has(unit)) return 'lower';
  throw new TypeError(
    `Metric ${JSON.stringify(metric)} has unit ${JSON.stringify(unit)}: say in \`better\` whether higher or lower is better`,
  );
}

/**
 * Hive's advantage over one peer for one metric, oriented so that > 1 means Hive is better. Undefined when either value
 * is missing or the quotient is meaningless (a zero or negative figure, e.g. a memory delta lost in noise).
 * @param {'higher' | 'lower' | 'none'} dir
 * @param {number | undefined} hive
 * @param {number | undefined} peer
 * @returns {number | undefined}
 */
export function orientedRatio(dir, hive, peer) {
  if (dir === 'none' || hive === undefined || peer === undefined) return undefined;
  if (!(hive > 0 && peer > 0)) return undefined;
  const x = dir === 'higher' ? hive / peer : peer / hive;
  return Number.isFinite(x) ? x : undefined;
}

/**
 * Ratios of Hive against every other subject, per metric (only metrics that Hive and at least one peer have).
 * @param {readonly { subject: string, metric: string, value: number, unit: string }[]} results
 * @param {Record<string, 'higher' | 'lower' | 'none'>} [better]
 * @returns {Record<string, Record<string, number>>}
 */
export function computeRatios(results, better = {}) {
  /** @type {Record<string, Record<string, number>>} */
  const ratios = {};
  const hiveByMetric = new Map(results.filter((r) => r.subject === HIVE).map((r) => [r.metric, r]));
  for (const r of results) {
    if (r.subject === HIVE) continue;
    const hive = hiveByMetric.get(r.metric);
    if (hive === undefined) continue;
    const x = orientedRatio(direction(r.metric, r.unit, better), hive.value, r.value);
    if (x === undefined) continue;
    ratios[r.metric] ??= {};
    ratios[r.metric][r.subject] = round(x, 4);
  }
  return ratios;
}

/**
 * Builds the contract object. Throws on a malformed result (non-finite value, missing field, duplicate subject+metric)
 * rather than printing JSON that someone would later trust.
 * @param {{ bench: string, results: readonly { subject: string, metric: string, value: number, unit: string }[], better?: Record<string, 'higher' | 'lower' | 'none'>, node?: string, cpus?: number }} options
 * @returns {{ bench: string, node: string, cpus: number, results: { subject: string, metric: string, value: number, unit: string }[], ratios: Record<string, Record<string, number>> }}
 */
export function buildContract({ bench, results, better = {}, node = process.version, cpus = availableParallelism() }) {
  if (typeof bench !== 'string' || bench === '')
    throw new TypeError(`Expected bench to be a non-empty string, got ${JSON.stringify(bench)}`);
  const seen = new Set();
  const clean = results.map((r, i) => {
    for (const key of ['subject', 'metric', 'unit']) {
      if (typeof r[key] !== 'string' || r[key] === '') {
        throw new TypeError(`results[${i}].${key} must be a non-empty string, got ${JSON.stringify(r[key])}`);
      }
    }
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) {
      throw new TypeError(`results[${i}] (${r.subject} ${r.metric}) has a non-finite value: ${r.value}`);
    }
    const id = `${r.subject}\0${r.metric}`;
    if (seen.has(id)) throw new TypeError(`results[${i}]: duplicate ${r.subject} ${r.metric}`);
    seen.add(id);
    direction(r.metric, r.unit, better);
    return { subject: r.subject, metric: r.metric, value: round(r.value, 6), unit: r.unit };
  });
  return { bench, node, cpus, results: clean, ratios: computeRatios(clean, better) };
}

/**
 * Rounds to `digits` significant digits, keeping JSON short without turning a small ratio into 0.
 * @param {number} x
 * @param {number} digits
 * @returns {number}
 */
export function round(x, digits) {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}
