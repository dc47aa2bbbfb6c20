import { describeValue, InvalidArgumentError } from '../errors.js';

const sizeUnits: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const durationUnits: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/**
 * The longest delay a node timer keeps: node fires a longer one after 1 ms (with a warning), so a kill timeout of a
 * month would SIGKILL at once. About 24.8 days. Every duration ends up in a timer.
 */
export const MAX_TIMER = 2 ** 31 - 1;
const MAX_DURATION = MAX_TIMER;

// The strings each parser below accepts, as types, for config files (`defineConfig`, `satisfies HiveConfig`): a
// typo such as '300 lots' or '5 sec' fails the compile, not only the load. `${number}` is what TypeScript has for the
// digits: it also lets through what the parser refuses (a sign, an exponent, 0x, a size of 0), and it takes in the
// spaces before the number and before the unit; spaces after the unit, which the parser trims, it cannot express.

/** A memory size string {@link parseSize} accepts: `300M`, `1.5g`, `512KB`, `4096`, `300 MB`. */
export type SizeText = `${number}${'' | 'K' | 'k' | 'M' | 'm' | 'G' | 'g'}${'' | 'B' | 'b'}`;
/** A duration string {@link parseDuration} accepts: `500ms`, `5s`, `1.5m`, `1h`, `250` (ms); units are lowercase. */
export type DurationText = `${number}${'' | 'ms' | 's' | 'm' | 'h'}`;

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

/**
 * A duration ({@link parseDuration}) of more than 0: for a wait that 0 would fail at once, every time (`why` says so).
 */
export function parsePositiveDuration(value: unknown, key: string, why: string): number {
  const ms = parseDuration(value, key);
  if (ms === 0) {
    throw new InvalidArgumentError(
      `Expected \`${key}\` to be a duration of more than 0 (${why}), got ${describeValue(value)}`,
    );
  }
  return ms;
}

/**
 * A unit-less duration (a number, or digits alone) under a second: taken as milliseconds, as every duration is, but for
 * a keep-alive timeout almost surely seconds meant (`--keep-alive-timeout 65`), which would close idle connections
 * under the proxy in front rather than outlive it. Returns the message to refuse it with, or undefined.
 */
export function bareMillisecondsSlip(value: unknown, ms: number): string | undefined {
  const bare = typeof value === 'number' || (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value));
  if (!bare || ms >= 1000) return undefined;
  const n = String(value).trim();
  return `a bare number is milliseconds: write ${n}s for seconds, or ${n}ms if milliseconds are meant`;
}

/**
 * Parses a duration: milliseconds as a number, or `500ms`, `5s`, `1m`, `1h`; at most 2^31-1 ms (node's timer limit).
 */
export function parseDuration(value: unknown, key: string): number {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim()) : null;
  const ms =
    typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? value
      : match
        ? Math.round(Number(match[1]) * durationUnits[match[2] ?? '']!)
        : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      `Expected \`${key}\` to be a duration like 500ms, 5s, 1h or milliseconds, got ${describeValue(value)}`,
    );
  }
  if (ms > MAX_DURATION) {
    throw new InvalidArgumentError(
      `Expected \`${key}\` to be at most ${MAX_DURATION} ms (about 24.8 days), got ${describeValue(value)}`,
    );
  }
  return ms;
}
