import { existsSync } from 'node:fs';
import { hivePaths } from '../../daemon/paths.js';
import type { AppInfo } from '../../daemon/protocol.js';
import { appTable, notStartedYet } from '../app-output.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage =
  'Usage: hive resurrect [--json]\n\nStarts the apps of $HIVE_HOME/dump.json (written by `hive save`) that are not running; an app saved\n' +
  'stopped comes back stopped (listed, not running), as in PM2. An app whose start fails is tried again in the\n' +
  'background with its restart backoff (from 1s, x1.5, maxRestarts times: about 80s by default); it is listed\n' +
  '`starting`, and stderr says why it did not start yet. The exit status is 0 then, as for apps that started.';

/** `hive resurrect`. */
export default function resurrect(argv: string[]): Promise<number> {
  return runCommand('resurrect', usage, async () => {
    const { values } = parseCommand(argv, {}, { command: 'resurrect', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const apps = (await withDaemon((client) => client.request<AppInfo[]>('resurrect')))!;
    if (values.json) printJson(apps);
    else if (apps.length > 0) process.stdout.write(`${appTable(apps)}\n`);
    else {
      // Not the table's "No apps. Start one ...": the apps of the dump may all be running, or there is no dump.
      const file = hivePaths().dump;
      process.stdout.write(
        existsSync(file)
          ? `nothing to resurrect: no app saved in ${file} is missing from the daemon (see \`hive ls\`)\n`
          : `nothing to resurrect: ${file} does not exist (\`hive save\` writes it)\n`,
      );
    }
    // Exit 0 all the same: the daemon is on it, and the systemd unit of `hive startup` runs this command, where a
    // failure would stop the unit, and with it the daemon and every app that did start.
    process.stderr.write(notStartedYet('resurrect', apps));
    return 0;
  });
}
