import type { AppInfo } from '../../daemon/protocol.js';
import { parseScaleCount } from '../../daemon/scale-count.js';
import { appTable } from '../app-output.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';
import { writeKilledWarnings } from '../killed-warning.js';
import { terminalColumns } from '../table-fit.js';

const usage = `Usage: hive scale <name|id> <n|max|+n|-n> [--json]

Changes the number of processes; new ones are ready before the command returns.
<n>: a positive integer, or max (the available cores). +n / -n: that many more or fewer than the app runs now, as
PM2's scale (-1 is one fewer, not -i's max minus one); an app keeps at least 1.
0 is refused: to run no process, hive stop <name> (the app stays listed) or hive delete <name>.`;

/** `hive scale <name> <n>`. */
export default function scale(argv: string[]): Promise<number> {
  return runCommand('scale', async () => {
    const { values, positionals } = parseCommand(argv, {}, { command: 'scale', min: 2, max: 2 });
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
    let parsed: ReturnType<typeof parseScaleCount>;
    try {
      parsed = parseScaleCount(count, '<n>');
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
    // A change goes as written (`+2`): the daemon adds it to the count the app has when the scale's turn comes.
    const instances = 'change' in parsed ? `${parsed.change > 0 ? '+' : ''}${parsed.change}` : parsed.instances;
    const app = (await withDaemon((client) => client.request<AppInfo>('scale', { target, instances })))!;
    if (values.json) printJson(app);
    else {
      writeKilledWarnings('scale', [app]);
      process.stdout.write(`${appTable([app], terminalColumns())}\n`);
    }
    return 0;
  });
}
