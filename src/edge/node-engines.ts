/**
 * Whether a package.json `engines.node` range takes a Node.js major version, as npm reads the range (node-semver):
 * the image's `node:<major>` tag floats over that major's releases, so the question is whether any `<major>.x.y` is in
 * the range. Prerelease tags are not considered. The range grammar is small enough to read here rather than to add a
 * runtime dependency for one warning.
 */

// A version as one number, major, minor and patch each in its own band: ordering and "the next patch" by arithmetic.
const kMinor = 1e4;
const kMajor = 1e8;

/** A half-open interval of versions, [low, high). */
interface Interval {
  low: number;
  high: number;
}

const kAll: Interval = { low: 0, high: Number.POSITIVE_INFINITY };

/**
 * Whether `range` takes some release of `major`; undefined when the range is not one this reader understands (then
 * nothing should be said about it).
 */
export function rangeTakesMajor(range: string, major: number): boolean | undefined {
  const wanted: Interval = { low: major * kMajor, high: (major + 1) * kMajor };
  let takes = false;
  for (const alternative of range.split('||')) {
    const interval = comparatorSet(alternative.trim());
    if (interval === undefined) return undefined;
    if (Math.max(interval.low, wanted.low) < Math.min(interval.high, wanted.high)) takes = true;
  }
  return takes;
}

/** A version as written in a range, `20`, `20.11`, `v20.11.0`, `20.x`: the parts given, undefined for a wildcard. */
type Partial = [major?: number, minor?: number, patch?: number];

function partial(text: string): Partial | undefined {
  const match = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(
    text,
  );
  if (match === null) return undefined;
  const parts: Partial = [];
  for (const part of match.slice(1, 4)) {
    if (part === undefined || !/^\d+$/.test(part)) break;
    parts.push(Number(part));
  }
  return parts.some((n) => n === undefined || n >= kMinor) ? undefined : parts;
}

const at = ([major = 0, minor = 0, patch = 0]: Partial): number => major * kMajor + minor * kMinor + patch;

// The first version past every one the partial names: `20` -> 21.0.0, `20.11` -> 20.12.0, `20.11.1` -> 20.11.2.
function past(parts: Partial): number {
  const [major = 0, minor = 0, patch = 0] = parts;
  if (parts.length === 0) return Number.POSITIVE_INFINITY;
  if (parts.length === 1) return (major + 1) * kMajor;
  if (parts.length === 2) return major * kMajor + (minor + 1) * kMinor;
  return at([major, minor, patch]) + 1;
}

// One comparator set (comparators joined by spaces, or a hyphen range) as the interval it allows.
function comparatorSet(text: string): Interval | undefined {
  if (text === '') return kAll;
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen !== null) {
    const from = partial(hyphen[1]!);
    const to = partial(hyphen[2]!);
    return from === undefined || to === undefined ? undefined : { low: at(from), high: past(to) };
  }
  let interval = kAll;
  // `>= 20` is one comparator, as node-semver reads it.
  for (const comparator of text.replace(/(<=|>=|<|>|=|~>|~|\^)\s+/g, '$1').split(/\s+/)) {
    const one = comparatorInterval(comparator);
    if (one === undefined) return undefined;
    interval = { low: Math.max(interval.low, one.low), high: Math.min(interval.high, one.high) };
  }
  return interval;
}

function comparatorInterval(comparator: string): Interval | undefined {
  const [, operator = '', version = ''] = /^(<=|>=|<|>|=|~>|~|\^)?(.*)$/.exec(comparator) ?? [];
  const parts = partial(version);
  if (parts === undefined) return undefined;
  const [major = 0, minor = 0] = parts;
  switch (operator) {
    case '>=':
      return { low: at(parts), high: kAll.high };
    case '>':
      return { low: past(parts), high: kAll.high };
    case '<=':
      return { low: 0, high: past(parts) };
    case '<':
      return { low: 0, high: parts.length === 0 ? 0 : at(parts) };
    case '~':
    case '~>':
      return { low: at(parts), high: past(parts.slice(0, Math.max(1, Math.min(parts.length, 2))) as Partial) };
    case '^': {
      // Up to the next change of the first part that is not 0 (`^0.2.3` is below 0.3.0).
      if (parts.length === 0) return kAll;
      if (major > 0 || parts.length === 1) return { low: at(parts), high: past(parts.slice(0, 1) as Partial) };
      if (minor > 0 || parts.length === 2) return { low: at(parts), high: past(parts.slice(0, 2) as Partial) };
      return { low: at(parts), high: past(parts) };
    }
    default:
      // `=20`, `20`, `20.x`: the versions the partial names.
      return { low: at(parts), high: past(parts) };
  }
}
