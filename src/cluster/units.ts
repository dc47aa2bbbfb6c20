import { describeValue, InvalidArgumentError } from '../errors.js';

const sizeUnits: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const durationUnits: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/** Parses a memory size: bytes as a number, or `512K`, `300M`, `1G` (binary units, optional trailing B). */
export function parseSize(value: unknown, key: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(value.trim()) : null;
  const amount = match ? Number(match[1]) * sizeUnits[match[2]!.toUpperCase()]! : Number.NaN;
  if (!(amount > 0)) {
    throw new InvalidArgumentError(
      `Expected \`${key}\` to be a size like 300M, 1G or bytes, got ${describeValue(value)}`,
    );
  }
  return Math.round(amount);
}

/** Parses a duration: milliseconds as a number, or `500ms`, `5s`, `1m`. */
export function parseDuration(value: unknown, key: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(value.trim()) : null;
  if (!match) {
    throw new InvalidArgumentError(
      `Expected \`${key}\` to be a duration like 500ms, 5s or milliseconds, got ${describeValue(value)}`,
    );
  }
  return Math.round(Number(match[1]) * durationUnits[match[2] ?? '']!);
}
