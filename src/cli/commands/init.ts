import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommand, printJson, runCommand, UsageError } from '../daemon-command.js';
import { hiveTemplate, pm2Template } from '../init-templates.js';

const usage = `Usage: hive init [--pm2] [--force] [--json]

Writes a commented starter config file in the current folder (PM2's init): hive.config.ts, or with --pm2 a PM2
ecosystem.config.js. An existing file is left alone unless --force. Then: hive start <file>.`;

/** `hive init`: a starter config file; never asks the daemon. */
export default function init(argv: string[]): Promise<number> {
  return runCommand('init', usage, async () => {
    const flags = { pm2: { type: 'boolean' }, force: { type: 'boolean' } } as const;
    const { values } = parseCommand(argv, flags, { min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const name = values.pm2 ? 'ecosystem.config.js' : 'hive.config.ts';
    const file = resolve(name);
    try {
      // `wx` unless --force: the check and the write are one step, so a file made meanwhile is not overwritten either.
      writeFileSync(file, values.pm2 ? pm2Template : hiveTemplate, { flag: values.force ? 'w' : 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new UsageError(`${file} is there already; --force overwrites it`);
    }
    if (values.json) printJson({ file });
    else process.stdout.write(`wrote ${file}\nedit it, then: hive start ${name}\n`);
    return 0;
  });
}
