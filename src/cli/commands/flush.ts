import type { FlushResult } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive flush [name|id|all] [--json]

Empties the app's out and err log files, in place (the app goes on writing to them). With no app, or \`all\`: every
app's, and the daemon's own daemon.log (as pm2 flush). Rotated copies are left alone.`;

/** `hive flush [target]`, PM2's `pm2 flush`. */
export default function flush(argv: string[]): Promise<number> {
  return runCommand('flush', async () => {
    const { values, positionals } = parseCommand(argv, {}, { command: 'flush', min: 0, max: 1 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const target = positionals[0];
    const body = target === undefined ? {} : { target };
    const result = (await withDaemon((client) => client.request<FlushResult>('flush', body)))!;
    if (values.json) printJson(result);
    else {
      const files = [...result.apps.flatMap((app) => app.files), ...(result.daemonLog ? [result.daemonLog] : [])];
      process.stdout.write(files.length === 0 ? 'no log file to empty\n' : files.map((f) => `emptied ${f}\n`).join(''));
    }
    return 0;
  });
}
