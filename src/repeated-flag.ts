import type { parseArgs } from 'node:util';

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** A value flag given twice: its name and both values. */
export interface RepeatedFlag {
  name: string;
  first: string;
  second: string;
}

/**
 * The first value flag given twice among parseArgs `tokens`, except the `repeatable` ones. parseArgs keeps the last
 * value of a repeated flag; `--port 3000 ... --port 4000` is a mistake to show, not to guess.
 */
export function repeatedFlag(tokens: readonly Token[], repeatable: ReadonlySet<string>): RepeatedFlag | undefined {
  const given = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined || repeatable.has(token.name)) continue;
    const first = given.get(token.name);
    if (first !== undefined) return { name: token.name, first, second: token.value };
    given.set(token.name, token.value);
  }
  return undefined;
}

/** The refusal's text for `flag` (shown as `--display`). */
export function repeatedFlagMessage(flag: RepeatedFlag, display = flag.name): string {
  return `--${display} is given twice (${JSON.stringify(flag.first)}, then ${JSON.stringify(flag.second)}); give it once`;
}
