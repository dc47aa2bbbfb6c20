import type { ParseArgsConfig, parseArgs } from 'node:util';
import { DaemonClient } from '../daemon/client.js';
import { HiveError, InvalidArgumentError } from '../errors.js';
import { parseArgsWithNegatives } from '../negative-numbers.js';
import { parseArgsMessage } from '../parse-args-message.js';
import { repeatedFlag, repeatedFlagMessage } from '../repeated-flag.js';
import { endedDaemonNotice } from './ended-daemon-notice.js';
import { errorLine } from './error-line.js';

/**
 * A command's arguments are wrong (unknown flag, missing or extra argument, bad value): exit 2, with the cause and
 * `see hive <command> --help`.
 * Its code is `ERR_HIVE_INVALID_ARGUMENT`, the code `hive run` and `hive bench` already give bad arguments, so a
 * script tells bad input from a failure by one code whichever command it ran.
 */
export class UsageError extends InvalidArgumentError {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags: strings, booleans or lists of them, by flag name. */
export type CommandValues = Record<string, string | boolean | string[] | undefined> & {
  json?: boolean;
  help?: boolean;
};

/**
 * parseArgs with `--json` and `--help` added; unknown flags, a value flag given twice (other than a `multiple` one) and
 * missing positionals become UsageErrors, an unknown flag named with `hive <command> --help`. An argument such as `-1`
 * is a value or a positional (`hive scale api -1`, `--lines -5`), for the command's own check to refuse or take.
 * `flagName`: a flag's name as the user wrote it, for one the command renamed before parsing (start's `--watch=`).
 */
export function parseCommand(
  argv: string[],
  options: Options,
  positionals: {
    command: string;
    min: number;
    max: number;
    flagName?: (name: string) => string;
  },
): { values: CommandValues; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs<{ options: Options; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseArgsWithNegatives({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error, positionals.command, ['json', 'help', ...Object.keys(options)]), {
      cause: error,
    });
  }
  // parseArgs keeps the last value of a flag given twice (`hive logs --lines 1 --lines 3`): refused, as hive run does.
  const repeatable = new Set(Object.keys(options).filter((name) => options[name]?.multiple === true));
  const repeated = repeatedFlag(parsed.tokens, repeatable);
  if (repeated !== undefined) {
    throw new UsageError(repeatedFlagMessage(repeated, positionals.flagName?.(repeated.name)));
  }
  const { values } = parsed;
  const args = parsed.positionals;
  if (!values.help) {
    if (args.length < positionals.min) throw new UsageError('missing argument');
    if (args.length > positionals.max) {
      throw new UsageError(`unexpected argument ${JSON.stringify(args[positionals.max])}`);
    }
  }
  return { values: values as CommandValues, positionals: args };
}

/**
 * Runs a command's body against the daemon (started on first use unless `start` is false) and turns errors into
 * exit codes: a UsageError is 2, a bad config file 2, anything else 1; all written to stderr as
 * `hive <command>: CODE: ...`.
 */
export async function runCommand(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    return reportError(command, error);
  }
}

// UsageError's (InvalidArgumentError's) code, and ScriptNotFoundError's.
const USAGE_CODES = new Set(['ERR_HIVE_INVALID_ARGUMENT', 'ERR_HIVE_SCRIPT_NOT_FOUND']);

/** Writes a command's error to stderr as runCommand does, and returns its exit code (2 for bad input, else 1). */
export function reportError(command: string, error: unknown): number {
  // A script that is not there is bad input too: the code `hive run` gives it, and the exit status of a usage error.
  // By code, not by class: a bundled command (reload, stop...) has its own copy of UsageError, and an error thrown
  // by an unbundled module it loads (start.js, for `hive reload <config>`) is of the other copy.
  if (error instanceof HiveError && USAGE_CODES.has(error.code)) {
    // The cause and where the options are, not the whole usage (60 lines for start), which buried the cause.
    const hint =
      error.code === 'ERR_HIVE_INVALID_ARGUMENT' && !error.message.includes('--help')
        ? `; see hive ${command} --help`
        : '';
    process.stderr.write(errorLine(command, error, undefined, hint));
    return 2;
  }
  // A config file's bad key is bad input as a bad flag is (`hive edge nginx --config` exits 2 for it too); the
  // message names the file and the key, and the usage of the flags would not help. By code too: a bundled command
  // (stop, delete) has its own copy of ConfigError, and the file's is thrown by the unbundled load-config.js.
  if (error instanceof HiveError && error.code === 'ERR_HIVE_CONFIG') {
    process.stderr.write(errorLine(command, error));
    return 2;
  }
  process.stderr.write(errorLine(command, error));
  return 1;
}

/**
 * Connects (starting the daemon when asked), runs `fn`, and closes the connection. A daemon started in place of one
 * that had been killed is said on stderr (see endedDaemonNotice; `resurrects`: the command is `resurrect`).
 */
export async function withDaemon<T>(
  fn: (client: DaemonClient) => Promise<T>,
  start = true,
  resurrects = false,
): Promise<T | undefined> {
  const client = await DaemonClient.connect({ start });
  if (!client) return undefined;
  if (client.endedDaemon !== undefined) {
    process.stderr.write(endedDaemonNotice(client.endedDaemon, client.paths.dump, resurrects));
  }
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Prints `value` as one JSON line (`--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
