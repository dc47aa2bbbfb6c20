// Command-line flags shared by every bench, so that `--json`, `--quick`, `--rounds` and `--only` mean the same thing
// in bench/pool, bench/http and bench/cli.
import { readFileSync } from 'node:fs';
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

/**
 * The start of a bench's main(): parses argv (with `--from FILE` added to the flags), answers `--help`, re-prints a
 * saved `--json` output for `--from` through `printSaved(contract, args)`, and checks `--only` against `subjects`.
 * Resolves to the parsed arguments when the bench should run, or to the exit code when it has nothing more to do
 * (0 after --help or --from; 2 on bad input, with the usage on stderr).
 * @param {readonly string[]} argv
 * @param {{ usage: string, subjects: readonly string[], printSaved: (contract: import('./contract.js').BenchContract, args: ReturnType<typeof parseBenchArgs>) => void, extra?: Record<string, { type: 'string' | 'boolean', default?: string | boolean }>, defaultRounds?: number }} options
 * @returns {ReturnType<typeof parseBenchArgs> | number}
 */
export function benchCommand(argv, { usage, subjects, printSaved, extra = {}, defaultRounds }) {
  let args;
  try {
    args = parseBenchArgs(argv, { defaultRounds, extra: { ...extra, from: { type: 'string' } } });
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  if (typeof args.values.from === 'string') {
    printSaved(JSON.parse(readFileSync(args.values.from, 'utf8').trimEnd().split('\n').pop()), args);
    return 0;
  }
  const unknown = (args.only ?? []).filter((s) => !subjects.includes(s));
  if (unknown.length > 0) {
    console.error(`Unknown subject(s) in --only: ${unknown.join(', ')}\n${usage}`);
    return 2;
  }
  return args;
}
