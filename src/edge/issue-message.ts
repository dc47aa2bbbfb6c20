/**
 * What an edge or deploy option expects, in words, for the zod issues whose schema gave no message of its own: zod's
 * defaults ("Too small: expected number to be >=1", "Invalid string: must match pattern /^\d+...$/", a bare "Invalid
 * input") are written for developers, and the user of `hive edge` or `hive deploy` reads them next to the flag.
 * Passed to `safeParse` as its error map: a message set on a schema still wins.
 */
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

const kTypes: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  object: 'an object',
  array: 'an array',
};

function units(origin: string, amount: number | bigint): string {
  if (origin === 'string') return ` character${amount === 1 ? '' : 's'}`;
  if (origin === 'array' || origin === 'set') return ` entr${amount === 1 ? 'y' : 'ies'}`;
  return '';
}

/** The message for an issue, without the key or the value given (the callers add both). */
export function issueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case 'too_small': {
      const { minimum, inclusive, origin } = issue;
      if (origin === 'string' && minimum === 1) return 'expected a non-empty string';
      const bound = inclusive ? `at least ${minimum}` : `more than ${minimum}`;
      return `expected ${bound}${units(origin, minimum)}`;
    }
    case 'too_big': {
      const { maximum, inclusive, origin } = issue;
      const bound = inclusive ? `at most ${maximum}` : `less than ${maximum}`;
      return `expected ${bound}${units(origin, maximum)}`;
    }
    case 'invalid_type':
      return `expected ${kTypes[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
    default:
      // Every regex and union of the edge and deploy schemas carries its own message; this is the last resort.
      return 'expected a value of another form (see the option in --help or the docs)';
  }
}
