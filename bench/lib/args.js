// Command-line flags shared by every bench, so that `--json`, `--quick`, `--rounds` and `--only` mean the same thing
// in bench/pool, bench/http and bench/cli.
import { parseArgs } from 'node:util';

/** Flags every bench understands; a bench may add its own through `extra` (node:util parseArgs option specs). */
const common = {
  json: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  rounds: { type: 'string' },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

/**
 * Parses argv (without node and script) into the common bench options plus any `extra` ones.
 * `--rounds N` overrides the default (3, or 1 with `--quick`); `--only a,b` keeps only the named subjects;
 * `--markdown` asks for the results table as Markdown (for docs/benchmarks.md) instead of plain text.
 * Throws a TypeError naming the culprit on a bad value, so the bench can print usage and exit 2.
 * @param {readonly string[]} argv
 * @param {{ extra?: Record<string, { type: 'string' | 'boolean', default?: string | boolean }>, defaultRounds?: number }} [options]
 * @returns {{ json: boolean, markdown: boolean, quick: boolean, rounds: number, only: string[] | undefined, help: boolean, values: Record<string, unknown> }}
 */
export function parseBenchArgs(argv, { extra = {}, defaultRounds = 3 } = {}) {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...common, ...extra },
    strict: true,
    allowPositionals: false,
  });
  const quick = values.quick === true;
  let rounds = quick ? 1 : defaultRounds;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new TypeError(`Expected --rounds to be a positive integer, got \`${values.rounds}\``);
    }
  }
  const only =
    typeof values.only === 'string'
      ? values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  return {
    json: values.json === true,
    markdown: values.markdown === true,
    quick,
    rounds,
    only,
    help: values.help === true,
    values,
  };
}
