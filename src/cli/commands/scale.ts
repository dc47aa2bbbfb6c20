import type { AppInfo } from '../../daemon/protocol.js';
import { appTable } from '../app-output.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';

const usage =
  'Usage: hive scale <name|id> <n|max|-1> [--json]\n\nChanges the number of processes; new ones are ready before the command returns.';

/** `hive scale <name> <n>`. */
export default function scale(argv: string[]): Promise<number> {
  return runCommand('scale', usage, async () => {
    // `-1` (max minus one, as PM2 takes it) would read as an unknown short flag: set aside, then put back in its place.
    const minusOne = argv.indexOf('-1');
    const rest = minusOne === -1 ? argv : argv.filter((_, i) => i !== minusOne);
    const wanted = minusOne === -1 ? 2 : 1;
    const { values, positionals } = parseCommand(rest, {}, { min: wanted, max: wanted });
    if (minusOne !== -1)
      positionals.splice(argv.slice(0, minusOne).filter((arg) => !arg.startsWith('-')).length, 0, '-1');
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [target, count] = positionals as [string, string];
    if (!/^(max|-1|[1-9]\d*)$/.test(count)) {
      throw new UsageError(`expected <n> to be a positive integer, max or -1, got ${JSON.stringify(count)}`);
    }
    const instances = /^-?\d+$/.test(count) ? Number(count) : count;
    const app = (await withDaemon((client) => client.request<AppInfo>('scale', { target, instances })))!;
    if (values.json) printJson(app);
    else process.stdout.write(`${appTable([app])}\n`);
    return 0;
  });
}
