import { parseInstances } from '../../cluster/instances.js';
import type { AppInfo } from '../../daemon/protocol.js';
import { appTable } from '../app-output.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive scale <name|id> <n|max|-1> [--json]

Changes the number of processes; new ones are ready before the command returns.
<n> is read as -i reads it: a positive integer, max (the available cores) or -1 (max minus one).
0 is refused: to run no process, hive stop <name> (the app stays listed) or hive delete <name>.`;

/** `hive scale <name> <n>`. */
export default function scale(argv: string[]): Promise<number> {
  return runCommand('scale', usage, async () => {
    const { values, positionals } = parseCommand(argv, {}, { min: 2, max: 2, negativeNumbers: true });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [target, count] = positionals as [string, string];
    // `-i 0` means max (PM2's meaning), but `pm2 scale app 0` deletes every process of the app: either reading would
    // surprise half the people who type it (all cores for "none", or an app gone), so neither is guessed.
    if (/^\s*0+\s*$/.test(count)) {
      throw new UsageError(
        `<n> 0 is refused (it means max to \`-i\`, but no process to PM2's scale): \`hive stop ${target}\` runs no ` +
          `process and keeps the app, \`hive delete ${target}\` forgets it, \`hive scale ${target} max\` runs one per core`,
      );
    }
    let instances: number | string;
    try {
      instances = parseInstances(count, '<n>');
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
    const app = (await withDaemon((client) => client.request<AppInfo>('scale', { target, instances })))!;
    if (values.json) printJson(app);
    else process.stdout.write(`${appTable([app])}\n`);
    return 0;
  });
}
