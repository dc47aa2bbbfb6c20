import { existsSync } from 'node:fs';
import { hivePaths } from '../../daemon/paths.js';
import type { AppInfo } from '../../daemon/protocol.js';
import { appTable, notStartedYet } from '../app-output.js';
import { appSteps } from '../app-steps.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { warningsTo } from '../daemon-warning.js';
import { freshApps } from '../fresh-apps.js';
import { terminalColumns } from '../table-fit.js';

const usage =
  'Usage: hive resurrect [--json]\n\nStarts the apps of $HIVE_HOME/dump.json (written by `hive save`) that are not running, and lists every\n' +
  'app of the dump (those the daemon had already too, named after the table); an app saved stopped comes back\n' +
  'stopped (listed, not running), as in PM2. An app whose start fails is tried again in the\n' +
  'background with its restart backoff (from 1s, x1.5, maxRestarts times: about 80s by default); it is listed\n' +
  '`starting`, and stderr says why it did not start yet. The exit status is 0 then, as for apps that started.\n' +
  'A dump.json it cannot read is read from dump.json.bak (the dump before the last save), as PM2 does; stderr says so.';

/** `hive resurrect`. */
export default function resurrect(argv: string[]): Promise<number> {
  return runCommand('resurrect', async () => {
    const { values } = parseCommand(argv, {}, { command: 'resurrect', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // The file the daemon read the apps from: the backup when dump.json could not be read (its warning says so).
    let readFrom: string | undefined;
    // A line per app as each is started, on a terminal (appSteps), as restart all says each app.
    const { steps, onProgress: stepped } = appSteps('resurrect', values.json === true);
    const warn = warningsTo('resurrect', stepped);
    const onProgress = (progress: unknown) => {
      const backup = (progress as { readFrom?: unknown } | null)?.readFrom;
      if (typeof backup === 'string') readFrom = backup;
      warn(progress);
    };
    const apps = (await withDaemon(
      async (client) => freshApps(client, await client.request<AppInfo[]>('resurrect', steps, onProgress)),
      true,
      true,
    ))!;
    const file = readFrom ?? hivePaths().dump;
    if (values.json) printJson(apps);
    else if (apps.length > 0) {
      // Every app of the dump, as PM2's resurrect ends with its process list; then those it found in the daemon.
      process.stdout.write(`${appTable(apps, terminalColumns())}\n`);
      const had = apps.filter((app) => app.resurrected === false).map((app) => app.name);
      if (had.length === apps.length) {
        process.stdout.write(`nothing to resurrect: every app saved in ${file} is in the daemon already\n`);
      } else if (had.length > 0) {
        process.stdout.write(`in the daemon already, left as they were: ${had.join(', ')}\n`);
      }
    } else {
      // Not the table's "No apps. Start one ...": there is no dump, or it holds no app.
      process.stdout.write(
        existsSync(file)
          ? `nothing to resurrect: ${file} holds no app\n`
          : `nothing to resurrect: ${file} does not exist (\`hive save\` writes it)\n`,
      );
    }
    // Exit 0 all the same: the daemon is on it, and the systemd unit of `hive startup` runs this command, where a
    // failure would stop the unit, and with it the daemon and every app that did start.
    // Of the apps it started: one the daemon had already is not this command's to explain (the table shows it).
    process.stderr.write(
      notStartedYet(
        'resurrect',
        apps.filter((app) => app.resurrected !== false),
      ),
    );
    return 0;
  });
}
