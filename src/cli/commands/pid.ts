import type { AppInfo } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { resolveTarget } from '../resolve-targets.js';

const usage = `Usage: hive pid [name|id|all] [--json]

Prints the pids of the app's processes, one per line (PM2's pid): its cluster workers, or a fork-mode app's programs,
not Hive's primary. No target, or all: every app's. A stopped app has none: nothing is printed. --json: an array.`;

/** `hive pid [target]`: read from one listing; no daemon is started for it. */
export default function pid(argv: string[]): Promise<number> {
  return runCommand('pid', async () => {
    const { values, positionals } = parseCommand(argv, {}, { command: 'pid', min: 0, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0] ?? 'all';
    // No daemon: no app, and none to start for a question.
    const apps = (await withDaemon((client) => client.request<AppInfo[]>('ls'), false)) ?? [];
    const ids = new Set(resolveTarget(apps, { target }));
    const pids = apps
      .filter((app) => ids.has(app.id))
      .flatMap((app) => app.processes.filter((p) => p.role === 'worker').map((p) => p.pid));
    if (values.json) printJson(pids);
    else if (pids.length > 0) process.stdout.write(`${pids.join('\n')}\n`);
    return 0;
  });
}
