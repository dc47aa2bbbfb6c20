import type { LogFormat } from '../cluster/log-format.js';
import { HiveError } from '../errors.js';
import { errorLine } from './error-line.js';

/**
 * The `--log-format` asked for on `hive run`'s command line, read before (and whether or not) the rest parses: an
 * argument error of a `--log-format json` run must be a JSON record too, or a log pipeline that parses every line
 * chokes on the one that says why the container exits.
 */
export function requestedLogFormat(argv: string[]): LogFormat {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? argv : argv.slice(0, separator);
  let format: LogFormat = 'text';
  own.forEach((arg, i) => {
    const value = arg.startsWith('--log-format=')
      ? arg.slice('--log-format='.length)
      : arg === '--log-format'
        ? own[i + 1]
        : undefined;
    if (value === 'json' || value === 'text') format = value;
  });
  return format;
}

// Fields a record carries besides code and message: the error's own data (instance, stderrTail, port...).
const kOwnKeys = new Set(['name', 'code', 'message', 'stack', 'cause']);

/**
 * Reports what ends `hive run` (an argument error, a start that failed, an errored app): in text on stderr, one line
 * with the `hint` (`; see hive run --help`) at its end; in JSON on stdout as one `{ kind: 'event', type: 'fatal' }`
 * record, like every other, the hint in a field of its own (`"hint": "see hive run --help"`).
 */
export function printFatal(format: LogFormat, app: string | undefined, error: unknown, hint = ''): void {
  const code = error instanceof HiveError ? error.code : null;
  const message = error instanceof Error ? error.message : String(error);
  if (format === 'json') {
    const details: Record<string, unknown> = {};
    if (typeof error === 'object' && error !== null) {
      for (const [key, value] of Object.entries(error)) if (!kOwnKeys.has(key)) details[key] = value;
    }
    const record = { kind: 'event', time: new Date().toISOString(), app, type: 'fatal', code, message, ...details };
    const fields = hint === '' ? record : { ...record, hint: hint.replace(/^; /, '') };
    process.stdout.write(`${JSON.stringify(fields)}\n`);
    return;
  }
  process.stderr.write(errorLine('run', error, message, hint));
}
