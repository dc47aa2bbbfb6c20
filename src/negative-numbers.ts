import { type ParseArgsConfig, parseArgs } from 'node:util';

// parseArgs takes every argument that starts with a dash for a flag: `--port -5` fails as "ambiguous" in three lines
// of advice about `--port=-XYZ`, and `hive scale api -1` as an unknown option `-1`. No Hive flag is a digit, so an
// argument such as `-1` or `-5s` is a value or a positional: it goes through parseArgs behind a NUL (argument strings
// cannot hold one, being C strings, so nothing a user types is taken for it) and comes out bare, where each command's
// own check says what the flag takes.
const kNegative = /^-\d/;
const kShield = '\0';

function unshield<T>(value: T): T {
  if (Array.isArray(value)) return value.map(unshield) as T;
  return (typeof value === 'string' && value.startsWith(kShield) ? value.slice(1) : value) as T;
}

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * node:util's parseArgs, with an argument that looks like a negative number (`-1`, `-5s`) read as a flag's value or a
 * positional rather than as a flag. Errors are parseArgs's own.
 */
export function parseArgsWithNegatives<T extends ParseArgsConfig & { args: readonly string[] }>(config: T): Parsed<T> {
  const parsed = parseArgs({
    ...config,
    args: config.args.map((arg) => (kNegative.test(arg) ? `${kShield}${arg}` : arg)),
  }) as Parsed<T> & { tokens?: Array<{ value?: unknown }> };
  const values = Object.fromEntries(Object.entries(parsed.values).map(([key, value]) => [key, unshield(value)]));
  return {
    ...parsed,
    values,
    positionals: parsed.positionals.map(unshield),
    ...(parsed.tokens === undefined
      ? {}
      : {
          tokens: parsed.tokens.map((token) => ('value' in token ? { ...token, value: unshield(token.value) } : token)),
        }),
  } as Parsed<T>;
}
