import { HiveError } from '../errors.js';
import { printableLines } from './printable.js';

/**
 * The line a command writes to stderr for an error: `hive <command>: CODE: message<hint>` (no code for an error that
 * is not Hive's). `message` is the error's own unless the command names a flag or an app in it. Every line of it is made
 * printable: a message can carry a path, a name or a program's own output, which must not act on the terminal.
 */
export function errorLine(command: string, error: unknown, message = messageOf(error), hint = ''): string {
  const code = error instanceof HiveError ? `${error.code}: ` : '';
  return `hive ${command}: ${code}${printableLines(message)}${hint}\n`;
}

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
