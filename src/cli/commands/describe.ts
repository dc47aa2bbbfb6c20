import type { AppInfo } from '../../daemon/protocol.js';
import { describeApp } from '../app-output.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { terminalColumns } from '../table-fit.js';

const usage =
  'Usage: hive describe <name|id> [--json]\n\nOne app in detail: its processes (pid, state, cpu, memory), log files, last error, and what it runs\nwith (port, balance and sticky modes, restart policy, max memory, kill timeout, memory reports, watch...; --json: `settings`).';

/** `hive describe <name|id>`. */
export default function describe(argv: string[]): Promise<number> {
  return runCommand('describe', async () => {
    const { values, positionals } = parseCommand(argv, {}, { command: 'describe', min: 1, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const app = (await withDaemon((client) => client.request<AppInfo>('describe', { target: positionals[0] })))!;
    if (values.json) printJson(app);
    else process.stdout.write(`${describeApp(app, terminalColumns())}\n`);
    return 0;
  });
}
