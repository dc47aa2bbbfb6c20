import { readFileSync } from 'node:fs';
import { hivePaths } from '../../daemon/paths.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive save [--force] [--json]

Writes the app list to $HIVE_HOME/dump.json, for \`hive resurrect\`.
  --force   write it even when no app runs and the dump holds apps (it is left as it is otherwise)`;

// How many apps the dump at `file` holds: none when there is no dump; a dump that cannot be read counts as some.
function savedApps(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  try {
    const apps = (JSON.parse(text) as { apps?: unknown } | null)?.apps;
    return Array.isArray(apps) ? apps.length : 1;
  } catch {
    return 1;
  }
}

/** `hive save`. */
export default function save(argv: string[]): Promise<number> {
  return runCommand('save', usage, async () => {
    const { values } = parseCommand(argv, { force: { type: 'boolean' } }, { min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const file = hivePaths().dump;
    const saved = (await withDaemon(async (client) => {
      // PM2's guard: after a boot whose resurrect did not run, a `save` out of habit would replace the saved apps
      // with none, and the next boot would bring nothing back.
      if (!values.force && (await client.request<unknown[]>('ls')).length === 0 && savedApps(file) > 0) {
        return undefined;
      }
      return client.request<{ file: string; apps: string[] }>('save');
    })) ?? { file, apps: [], saved: false };
    if (values.json) printJson(saved);
    else if ('saved' in saved) {
      process.stderr.write(`hive save: no app runs; ${file} keeps the apps it holds (--force writes an empty list)\n`);
    } else process.stdout.write(`saved ${saved.apps.length} app(s) to ${saved.file}\n`);
    return 0;
  });
}
