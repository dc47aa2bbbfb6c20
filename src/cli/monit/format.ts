/** Number formats of the `hive monit` frame: short, fixed-ish widths, `-` for a value not reported yet. */

/** A rate or a count: one decimal below 1000, then `12.3k`. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/**
 * A count (restarts, requests in flight, connections): as is below 1000, then in whole thousands, rounded down (`1k`
 * for 1000 to 1999, `12k`), then millions: 3 columns up to 99 999, where `String` cut `1234` restarts to a `12…`.
 */
export function formatCount(value: number): string {
  if (value < 1e3) return String(value);
  if (value < 1e6) return `${Math.floor(value / 1e3)}k`;
  return `${Math.floor(value / 1e6)}M`;
}

/** Bytes in MiB. */
export function formatMiB(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '-';
  const mib = bytes / 2 ** 20;
  return mib >= 100 ? String(Math.round(mib)) : mib.toFixed(1);
}

/** A fraction 0..1 as a whole percentage. */
export function formatFraction(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '-' : `${Math.round(value * 100)}%`;
}

/** Milliseconds of a duration as `45s`, `3m12s`, `2h05m`, `3d04h`. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** Epoch ms as the local wall-clock time `HH:MM:SS`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
