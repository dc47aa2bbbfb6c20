/** The eight block heights of a sparkline, lowest first. */
export const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as block characters, one per value, newest on the right and padded with spaces on the left
 * when there are fewer values than `width`. A null (no report yet) is a space. Values are scaled from 0 to `max`
 * (default: the largest value shown), so a flat zero line stays at the bottom instead of jumping to the middle.
 */
export function sparkline(values: readonly (number | null)[], width: number, max?: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const top = max ?? shown.reduce<number>((m, v) => (v !== null && Number.isFinite(v) && v > m ? v : m), 0);
  let out = ' '.repeat(width - shown.length);
  for (const value of shown) {
    if (value === null || !Number.isFinite(value)) {
      out += ' ';
      continue;
    }
    const level = top > 0 ? Math.round((Math.min(Math.max(value, 0), top) / top) * (BLOCKS.length - 1)) : 0;
    out += BLOCKS[level];
  }
  return out;
}
