import { closestName } from './closest-name.js';

/**
 * The message for an error of node:util's parseArgs, as `hive <command>` says it. An unknown flag is named with the
 * command's --help: parseArgs's own text ("To specify a positional argument starting with a '-', place it at the end
 * of the command after '--'") reads as advice to pass the flag on to the app. Its other refusals (a missing value, a
 * value to a boolean flag) name the flag well enough and are kept. `flags`: the command's long flags, for a did-you-mean.
 */
export function parseArgsMessage(error: unknown, command: string, flags: Iterable<string> = []): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return text;
  const flag = /^Unknown option '([^']+)'/.exec(text)?.[1];
  if (flag === undefined) return text;
  const pm2 = pm2Habits[flag]?.(command);
  if (pm2 !== undefined) return `unknown option ${flag} for hive ${command}: ${pm2}; see hive ${command} --help`;
  // `--server-nam`: the flag meant, as an app's mistyped key is named (`--server-name`); not for a short flag.
  const meant = flag.startsWith('--') ? closestName(flag.slice(2), flags) : undefined;
  const hint = meant === undefined ? '' : ` (did you mean --${meant}?)`;
  return `unknown option ${flag} for hive ${command}${hint}; see hive ${command} --help`;
}

// A PM2 habit of a flag some Hive commands do not take, with what does it here (`pm2 restart api --watch` toggles
// watching; `pm2 start --cron` is `hive start --cron-restart`), for the commands that have no such flag.
const watchToggle = (command: string): string | undefined =>
  command === 'start' || command === 'run'
    ? undefined
    : "watching is an app's setting, not toggled by a command as `pm2 restart --watch` does: set `watch` in its config " +
      'file and `hive reload <config>`, or `hive stop <app>` then `hive start <script> --name <app> --watch`';
const pm2Habits: Readonly<Record<string, (command: string) => string | undefined>> = {
  '--watch': watchToggle,
  '--no-watch': watchToggle,
  '--cron-restart': (command) =>
    command === 'run'
      ? 'the daemon runs cron schedules: `hive start <script> --cron-restart <pattern>` (hive run is one foreground run)'
      : undefined,
};

// The codes of a bad argument, the errors a command's --help can help with: not a missing app, a file that cannot be
// read or a daemon that does not answer, after which "see --help" sent the reader looking for an option in vain.
const kArgumentCodes = new Set([
  'ERR_HIVE_INVALID_ARGUMENT',
  'ERR_HIVE_EDGE_INVALID_OPTION',
  'ERR_HIVE_EDGE_INVALID_HOST',
  // `hive edge nginx` given nothing to proxy to: a flag missing.
  'ERR_HIVE_EDGE_NO_UPSTREAM',
  'ERR_HIVE_DEPLOY_INVALID_OPTION',
]);

/**
 * What ends a usage error's line, `; see hive <command> --help`, as the daemon commands end theirs; empty for an
 * error that is not about the arguments, or whose message names `--help` already (an unknown option's). By code, not
 * by class: a bundled command has its own copy of the error classes.
 */
export function helpHint(error: unknown, command: string): string {
  if (!isArgumentError(error)) return '';
  const { message } = error as { message?: unknown };
  return typeof message === 'string' && message.includes('--help') ? '' : `; see hive ${command} --help`;
}

/** Whether `error` is about a command's arguments (its code is one of a bad argument's). */
export function isArgumentError(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && kArgumentCodes.has(code);
}
