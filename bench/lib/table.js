// Plain-text tables for a bench's human output: one row per metric, one column per subject, and Hive's ratio against
// its strongest peer (the smallest oriented ratio, so the column reads as "Hive is at least this much better").

/**
 * Formats rows of cells as an aligned table: first column left-aligned, the others right-aligned.
 * @param {readonly string[]} header
 * @param {readonly (readonly string[])[]} rows
 * @returns {string}
 */
export function formatTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row) =>
    row.map((cell, c) => (c === 0 ? (cell ?? '').padEnd(widths[c]) : (cell ?? '').padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * A number for humans: thousands separators for big values, three significant digits for small ones.
 * @param {number | undefined} x
 * @returns {string}
 */
export function formatValue(x) {
  if (x === undefined || !Number.isFinite(x)) return '-';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/**
 * The results of a contract object (see contract.js) as table cells: metric, unit, one column per subject (Hive
 * first), and "hive vs best peer" (the smallest ratio over peers, > 1 means Hive is better).
 * @param {{ results: readonly { subject: string, metric: string, value: number, unit: string }[], ratios: Record<string, Record<string, number>> }} contract
 * @param {{ subjects?: readonly string[], metrics?: readonly string[], labels?: Record<string, string> }} [options]
 *   column order, row order (metrics not listed come after, in order of appearance) and metric labels
 * @returns {{ header: string[], rows: string[][] }}
 */
export function resultCells(contract, { subjects, metrics: order = [], labels = {} } = {}) {
  const present = [...new Set(contract.results.map((r) => r.subject))];
  const columns = subjects ? subjects.filter((s) => present.includes(s)) : present;
  const seen = new Set(contract.results.map((r) => r.metric));
  const metrics = [...new Set([...order.filter((m) => seen.has(m)), ...seen])];
  const cell = new Map(contract.results.map((r) => [`${r.subject}\0${r.metric}`, r]));
  const rows = metrics.map((metric) => {
    const unit = contract.results.find((r) => r.metric === metric)?.unit ?? '';
    const ratios = Object.values(contract.ratios[metric] ?? {});
    const worst = ratios.length > 0 ? `${Math.min(...ratios).toFixed(2)}x` : '-';
    return [
      labels[metric] ?? metric,
      unit,
      ...columns.map((s) => formatValue(cell.get(`${s}\0${metric}`)?.value)),
      worst,
    ];
  });
  return { header: ['metric', 'unit', ...columns, 'hive vs best peer'], rows };
}

/**
 * The results table of a contract object as aligned text (see {@link resultCells} for the columns).
 * @param {Parameters<typeof resultCells>[0]} contract
 * @param {Parameters<typeof resultCells>[1]} [options]
 * @returns {string}
 */
export function formatResults(contract, options) {
  const { header, rows } = resultCells(contract, options);
  return formatTable(header, rows);
}

/**
 * The same table as Markdown, for docs/benchmarks.md.
 * @param {Parameters<typeof resultCells>[0]} contract
 * @param {Parameters<typeof resultCells>[1]} [options]
 * @returns {string}
 */
export function formatMarkdown(contract, options) {
  const { header, rows } = resultCells(contract, options);
  const line = (cells) => `| ${cells.map((cell) => cell.trim().replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), `| --- | --- |${' ---: |'.repeat(header.length - 2)}`, ...rows.map(line)].join('\n');
}
