import type { ReloadLogsResult } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive reloadLogs [--json]

PM2's \`pm2 reloadLogs\`, which a logrotate \`postrotate\` runs: the daemon opens a new file at the path of each app
log that was moved or removed, now, and answers once the lines written before are in the moved file (which logrotate
then compresses), waiting up to 60 s for that. Without it the daemon notices a moved log by itself, within a second of the next line, and
\`copytruncate\` needs nothing. Prints the files opened again; it starts no daemon.`;

/** `hive reloadLogs`: the moved logs opened again at once, so that a logrotate config written for PM2 loses no line. */
export default function reloadLogs(argv: string[]): Promise<number> {
  return runCommand('reload-logs', async () => {
    const { values } = parseCommand(argv, {}, { command: 'reload-logs', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // No daemon: no log is written, none to reopen.
    const result = await withDaemon((client) => client.request<ReloadLogsResult>('reloadLogs'), false);
    const reopened = result?.reopened ?? [];
    if (values.json) printJson({ reopened });
    else if (reopened.length === 0) process.stdout.write('nothing to reload: no log file was moved or removed\n');
    else for (const file of reopened) process.stdout.write(`reopened ${file}\n`);
    return 0;
  });
}
