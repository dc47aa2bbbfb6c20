/**
 * The message for an error of node:util's parseArgs, as `hive <command>` says it. An unknown flag is named with the
 * command's --help: parseArgs's own text ("To specify a positional argument starting with a '-', place it at the end
 * of the command after '--'") reads as advice to pass the flag on to the app. Its other refusals (a missing value, a
 * value to a boolean flag) name the flag well enough and are kept.
 */
export function parseArgsMessage(error: unknown, command: string): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return text;
  const flag = /^Unknown option '([^']+)'/.exec(text)?.[1];
  return flag === undefined ? text : `unknown option ${flag} for hive ${command}; see hive ${command} --help`;
}

/**
 * Whether an argument error's message already says where the options are (an unknown option's: `see hive <command>
 * --help`), so that the command's own `Run \`hive <command> --help\`` line would only repeat it.
 */
export function namesHelp(error: unknown): boolean {
  return error instanceof Error && error.message.includes('--help');
}
