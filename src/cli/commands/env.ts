import { AppNotFoundError } from '../../daemon/errors.js';
import type { EnvResult } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { shellQuote } from '../shell-quote.js';

const usage = `Usage: hive env <name|id> [--json]

Prints the environment the app's processes are started in (PM2's env), one KEY=value per line, sorted by key: the
environment of the shell that ran \`hive start\` (or the last \`--update-env\`), the app's configured env over it.
Each process also gets variables of its own from its primary (HIVE_INSTANCE, NODE_APP_INSTANCE, HIVE_CLUSTER_SIZE,
PORT...), which are not listed. Values are quoted for a POSIX shell (single quotes where a character is special:
a space, a newline, a quote, \`$\`...), so the lines can be pasted into sh or read with \`. <file>\`; they are not
dotenv syntax, for which (and for any program) --json is the format: one object, KEY: value. A variable whose name a
shell cannot assign (not letters, digits and _) is named in a comment line instead. Values may be secrets.`;

/** `hive env <target>`: asked of the daemon, which holds the app's spec; none is started for it. */
export default function env(argv: string[]): Promise<number> {
  return runCommand('env', async () => {
    const { values, positionals } = parseCommand(argv, {}, { command: 'env', min: 1, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0]!;
    const result = await withDaemon((client) => client.request<EnvResult>('env', { target }), false);
    // No daemon: no app, and none to start for a question (as `hive pid`).
    if (!result) throw new AppNotFoundError(target);
    if (values.json) printJson(result.env);
    else {
      // Shell words, not env(1)'s raw values: a newline, quote or `$` in a value would break the lines pasted into a
      // shell (or run what follows a `$(`).
      const lines = Object.entries(result.env).map(([key, value]) => `${assignment(key, value)}\n`);
      process.stdout.write(lines.join(''));
    }
    return 0;
  });
}

// A shell takes `A-B=x` for a command to run, and a key could hold a newline: such a variable is only named, in a
// comment that stays one line.
function assignment(key: string, value: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `${key}=${shellQuote(value)}`;
  return `# ${JSON.stringify(key)} is not a shell variable name: see hive env --json`;
}
