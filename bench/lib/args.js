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
  // `--only ,` (or a variable that expanded to nothing) would run an empty bench and pass: a usage error.
  if (only?.length === 0) throw new TypeError(`Expected --only to name at least one subject, got \`${values.only}\``);
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
 * The saved contract of `--from FILE` (its last line), or a one-line message saying why there is none: a file that
 * cannot be read, a last line that is not JSON, or another bench's output.
 * @param {string} file
 * @param {string} bench
 * @returns {{ contract: import('./contract.js').BenchContract } | { error: string }}
 */
function readSaved(file, bench) {
  let last;
  try {
    last = readFileSync(file, 'utf8').trimEnd().split('\n').pop();
  } catch (error) {
    return { error: `Cannot read --from \`${file}\`: ${error.code === 'ENOENT' ? 'no such file' : error.message}` };
  }
  let contract;
  try {
    contract = JSON.parse(last);
  } catch {
    return { error: `Expected --from \`${file}\` to end with a --json output line, got \`${last.slice(0, 80)}\`` };
  }
  if (contract?.bench !== bench) {
    return { error: `Expected --from \`${file}\` to hold bench ${bench}'s output, got bench \`${contract?.bench}\`` };
  }
  return { contract };
}

/**
 * The start of a bench's main(): parses argv (with `--from FILE` added to the flags), answers `--help`, re-prints a
 * saved `--json` output of this `bench` for `--from` through `printSaved(contract, args)`, and checks `--only` against
 * `subjects`, and against `unavailable` (subject -> why this machine cannot run it, such as a Node.js too old for it).
 * Resolves to the parsed arguments when the bench should run, or to the exit code when it has nothing more to do (0
 * after --help or --from; 2 on bad input, with a one-line message and the usage on stderr; 1 when --only names a
 * subject this machine cannot run, saying why).
 * @param {readonly string[]} argv
 * @param {{ bench: string, usage: string, subjects: readonly string[], unavailable?: Record<string, string>, printSaved: (contract: import('./contract.js').BenchContract, args: ReturnType<typeof parseBenchArgs>) => void, extra?: Record<string, { type: 'string' | 'boolean', default?: string | boolean }>, defaultRounds?: number }} options
 * @returns {ReturnType<typeof parseBenchArgs> | number}
 */
export function benchCommand(
  argv,
  { bench, usage, subjects, unavailable = {}, printSaved, extra = {}, defaultRounds },
) {
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
    const saved = readSaved(args.values.from, bench);
    if ('error' in saved) {
      console.error(`${saved.error}\n${usage}`);
      return 2;
    }
    printSaved(saved.contract, args);
    return 0;
  }
  const unknown = (args.only ?? []).filter((s) => !subjects.includes(s));
  if (unknown.length > 0) {
    console.error(`Unknown subject(s) in --only: ${unknown.join(', ')}\n${usage}`);
    return 2;
  }
  const cannot = (args.only ?? []).filter((s) => Object.hasOwn(unavailable, s));
  if (cannot.length > 0) {
    for (const s of cannot) console.error(`Cannot run ${s} here: ${unavailable[s]}`);
    return 1;
  }
  return args;
}
