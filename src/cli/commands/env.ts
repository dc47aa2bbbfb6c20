import { AppNotFoundError } from '../../daemon/errors.js';
import type { EnvResult } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive env <name|id> [--json]

Prints the environment the app's processes are started in (PM2's env), one KEY=value per line, sorted by key: the
environment of the shell that ran \`hive start\` (or the last \`--update-env\`), the app's configured env over it.
Each process also gets variables of its own from its primary (HIVE_INSTANCE, NODE_APP_INSTANCE, HIVE_CLUSTER_SIZE,
PORT...), which are not listed. Values may be secrets. --json: one object, KEY: value.`;

/** `hive env <target>`: asked of the daemon, which holds the app's spec; none is started for it. */
export default function env(argv: string[]): Promise<number> {
  return runCommand('env', usage, async () => {
    const { values, positionals } = parseCommand(argv, {}, { min: 1, max: 1 });
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
      // Values as they are, as env(1) prints them: one that holds a newline spans lines (--json keeps it whole).
      const lines = Object.entries(result.env).map(([key, value]) => `${key}=${value}\n`);
      process.stdout.write(lines.join(''));
    }
    return 0;
  });
}
