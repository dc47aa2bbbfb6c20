import { readFileSync } from 'node:fs';
import { hivePaths } from '../../daemon/paths.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';
import { warningsTo } from '../daemon-warning.js';

const usage = `Usage: hive save [--force] [--json]

Writes the app list to $HIVE_HOME/dump.json, for \`hive resurrect\`; the dump it replaces is kept as dump.json.bak.
  --force   write it even when no app runs and the dump holds apps (it is left as it is otherwise)`;

/**
 * The apps of the dump at `file`, by name: undefined when there is no dump, null when it cannot be read (it counts
 * as holding some: it may be repaired, and the guard keeps it).
 */
function dumpedApps(file: string): string[] | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    // Only a missing dump is none: one this user cannot read (EACCES) may hold the apps a boot should bring back.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
  try {
    const apps = (JSON.parse(text) as { apps?: unknown } | null)?.apps;
    if (!Array.isArray(apps)) return null;
    return apps.map((app) => String((app as { name?: unknown } | null)?.name ?? '?'));
  } catch {
    return null;
  }
}

/** `hive save --json` when the dump was kept: why, and what it holds (null: a dump that cannot be read). */
interface Kept {
  saved: false;
  reason: 'no-app-running';
  file: string;
  apps: [];
  kept: string[] | null;
}

/** `hive save`. */
export default function save(argv: string[]): Promise<number> {
  return runCommand('save', async () => {
    const { values } = parseCommand(argv, { force: { type: 'boolean' } }, { command: 'save', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const file = hivePaths().dump;
    const result = (await withDaemon(async (client): Promise<Kept | { saved: true; file: string; apps: string[] }> => {
      // PM2's guard: after a boot whose resurrect did not run, a `save` out of habit would replace the saved apps
      // with none, and the next boot would bring nothing back.
      if (!values.force && (await client.request<unknown[]>('ls')).length === 0) {
        const kept = dumpedApps(file);
        if (kept !== undefined && kept?.length !== 0) {
          return { saved: false, reason: 'no-app-running', file, apps: [], kept };
        }
      }
      // A backup that could not be written comes as a warning: the dump itself is saved, so the exit status is 0.
      const saved = await client.request<{ file: string; apps: string[] }>('save', {}, warningsTo('save'));
      return { saved: true, ...saved };
    }))!;
    if (values.json) printJson(result);
    else if (!result.saved) {
      process.stderr.write(`hive save: no app runs; ${file} keeps the apps it holds (--force writes an empty list)\n`);
    } else process.stdout.write(`saved ${result.apps.length} app(s) to ${result.file}\n`);
    return 0;
  });
}
