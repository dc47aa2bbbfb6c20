import { HiveError } from '../errors.js';
import { otherNodeRefused } from '../needs-node.js';
import { printableLines } from './printable.js';

/**
 * The line a command writes to stderr for an error: `hive <command>: CODE: message<hint>` (no code for an error that
 * is not Hive's). `message` is the error's own unless the command names a flag or an app in it. Every line of it is made
 * printable: a message can carry a path, a name or a program's own output, which must not act on the terminal.
 */
export function errorLine(command: string, error: unknown, message = messageOf(error), hint = ''): string {
  const code = error instanceof HiveError ? `${error.code}: ` : '';
  return `hive ${command}: ${code}${printableLines(message)}${hint}${daemonNodeHint(message)}\n`;
}

/**
 * What moves the daemon to this shell's Node.js, for a refusal of the Node.js it runs on (`--balance reuseport` under
 * 20): the message named that one, not this CLI's, and the daemon keeps the Node it was started on (an nvm switch since
 * does not reach it) until `hive update`. Empty for a refusal of this CLI's own Node, and for any other error.
 */
export function daemonNodeHint(message: string): string {
  const daemon = otherNodeRefused(message);
  return daemon === undefined
    ? ''
    : `; the daemon runs Node.js ${daemon} (this shell's is ${process.versions.node}): \`hive update\` restarts it ` +
        'on this Node, keeping its apps';
}

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
