import type { AppInfo } from '../../daemon/protocol.js';
import { appTable } from '../app-output.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage =
  'Usage: hive resurrect [--json]\n\nStarts the apps of $HIVE_HOME/dump.json (written by `hive save`) that are not running; an app saved\n' +
  'stopped comes back stopped (listed, not running), as in PM2.';

/** `hive resurrect`. */
export default function resurrect(argv: string[]): Promise<number> {
  return runCommand('resurrect', usage, async () => {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const apps = (await withDaemon((client) => client.request<AppInfo[]>('resurrect')))!;
    if (values.json) printJson(apps);
    else process.stdout.write(`${appTable(apps)}\n`);
    return 0;
  });
}
