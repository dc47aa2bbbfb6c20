import { parseCommand, printJson, runCommand } from '../daemon-command.js';

const usage = `Usage: hive reloadLogs [--json]

PM2's \`pm2 reloadLogs\`, which a logrotate \`postrotate\` runs so that PM2 reopens the log files it moved: Hive has
nothing to reopen, and exits 0. The daemon writes a new file at a log's path once the old one is moved or removed
(logrotate without \`copytruncate\`), and \`copytruncate\` needs nothing either. It starts no daemon.`;

/** `hive reloadLogs`: succeeds, so a logrotate config written for PM2 (`postrotate pm2 reloadLogs`) keeps working. */
export default function reloadLogs(argv: string[]): Promise<number> {
  return runCommand('reload-logs', usage, async () => {
    const { values } = parseCommand(argv, {}, { command: 'reload-logs', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (values.json) printJson({ reopened: [] });
    else process.stdout.write("nothing to reload: Hive writes a new file at a log's path once the old one is moved\n");
    return 0;
  });
}
