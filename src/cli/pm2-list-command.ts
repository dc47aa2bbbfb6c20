import type { AppInfo } from '../daemon/protocol.js';
import { parseCommand, runCommand, withDaemon } from './daemon-command.js';
import { type Pm2Process, pm2ProcessList } from './pm2-process-list.js';

/**
 * `hive jlist` and `hive prettylist`: the daemon's processes as PM2's list (pm2-process-list.ts), written by `format`
 * and nothing else on stdout, for the scripts that parse `pm2 jlist`. With no daemon running, `[]` as PM2's empty
 * list, and no daemon started: a monitoring probe must not bring one up.
 */
export function pm2ListCommand(
  command: string,
  usage: string,
  argv: string[],
  format: (list: Pm2Process[]) => string,
): Promise<number> {
  return runCommand(command, async () => {
    const { values } = parseCommand(argv, {}, { command: command, min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const apps = (await withDaemon((client) => client.request<AppInfo[]>('ls'), false)) ?? [];
    process.stdout.write(`${format(pm2ProcessList(apps))}\n`);
    return 0;
  });
}
