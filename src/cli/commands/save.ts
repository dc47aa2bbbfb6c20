import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = 'Usage: hive save [--json]\n\nWrites the app list to $HIVE_HOME/dump.json, for `hive resurrect`.';

/** `hive save`. */
export default function save(argv: string[]): Promise<number> {
  return runCommand('save', usage, async () => {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const saved = (await withDaemon((client) => client.request<{ file: string; apps: string[] }>('save')))!;
    if (values.json) printJson(saved);
    else process.stdout.write(`saved ${saved.apps.length} app(s) to ${saved.file}\n`);
    return 0;
  });
}
