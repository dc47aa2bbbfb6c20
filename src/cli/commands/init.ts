import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jsModuleType } from '../../package-type.js';
import { parseCommand, printJson, runCommand, UsageError } from '../daemon-command.js';
import { hiveTemplate, pm2Template, starterAppName } from '../init-templates.js';

const usage = `Usage: hive init [--pm2] [--force] [--json]

Writes a commented starter config file in the current folder (PM2's init): hive.config.ts, or with --pm2 a PM2
ecosystem.config.js (ecosystem.config.cjs in a package of "type": "module", where a .js file is not CommonJS). An
existing file (with --pm2: either name) is left alone unless --force. Then: hive start <file>.`;

/** `hive init`: a starter config file; never asks the daemon. */
export default function init(argv: string[]): Promise<number> {
  return runCommand('init', async () => {
    const flags = { pm2: { type: 'boolean' }, force: { type: 'boolean' } } as const;
    const { values } = parseCommand(argv, flags, { command: 'init', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // PM2's file is CommonJS (module.exports), which a .js file is not where the package says "type": "module".
    const ecosystem = jsModuleType(process.cwd()) === 'module' ? 'ecosystem.config.cjs' : 'ecosystem.config.js';
    const name = values.pm2 ? ecosystem : 'hive.config.ts';
    const file = resolve(name);
    // The other name is the same file to `hive start` and PM2 (one ecosystem file a folder): a second is not written.
    const other = resolve(ecosystem === 'ecosystem.config.js' ? 'ecosystem.config.cjs' : 'ecosystem.config.js');
    if (values.pm2 && !values.force && existsSync(other)) {
      throw new UsageError(`${other} is there already; --force writes ${name} all the same`);
    }
    try {
      // `wx` unless --force: the check and the write are one step, so a file made meanwhile is not overwritten either.
      const app = starterAppName(process.cwd());
      writeFileSync(file, values.pm2 ? pm2Template(name, app) : hiveTemplate(app), { flag: values.force ? 'w' : 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new UsageError(`${file} is there already; --force overwrites it`);
    }
    if (values.json) printJson({ file });
    else process.stdout.write(`wrote ${file}\nedit it, then: hive start ${name}\n`);
    return 0;
  });
}
