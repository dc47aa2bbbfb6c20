import type { AppInfo } from '../../daemon/protocol.js';
import { appTable } from '../app-output.js';
import { appOrder } from '../app-sort.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { terminalColumns } from '../table-fit.js';

const usage = `Usage: hive ls [--sort <field>[:asc|desc]] [--json|--pretty]

Lists the apps: id, name, namespace (once an app is outside \`default\`), mode, ready/total instances, status,
restarts, uptime (of the youngest process: a worker restarted 10 s ago shows 10s), cpu, memory (MiB).
  --sort    order by name, id, cpu, memory, restarts or uptime, ascending unless :desc (PM2's flag)
  --json    the apps as one JSON line, in Hive's shape (PM2's process list, as \`pm2 jlist\`: \`hive jlist\`)
  --pretty  the same JSON, indented (PM2's indented, as \`pm2 prettylist\`: \`hive prettylist\`)`;

/** `hive ls`: the app table. */
export default function ls(argv: string[]): Promise<number> {
  return runCommand('ls', async () => {
    const { values } = parseCommand(
      argv,
      { pretty: { type: 'boolean' }, sort: { type: 'string' } },
      { command: 'ls', min: 0, max: 0 },
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // Read before the daemon is asked: a bad field exits 2 without starting one.
    const order = values.sort === undefined ? undefined : appOrder(values.sort as string);
    const apps = (await withDaemon((client) => client.request<AppInfo[]>('ls')))!;
    if (order) apps.sort(order);
    if (values.pretty) process.stdout.write(`${JSON.stringify(apps, null, 2)}\n`);
    else if (values.json) printJson(apps);
    else process.stdout.write(`${appTable(apps, terminalColumns())}\n`);
    return 0;
  });
}
