import { isConfigTarget } from '../config-target.js';
import { targetCommand } from '../target-command.js';

/**
 * `hive restart <name|id|all>`. `hive restart <config file>` is a start of the file again, as PM2 runs both through
 * one path: the file's apps the daemon has restart with its current options (its env, `--env <name>`, `--only`) in the
 * environment they were started with (`--update-env`, or an app the file gives no env: this shell's, as PM2's), the
 * others start.
 */
export default async function restart(argv: string[]): Promise<number> {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? argv : argv.slice(0, separator);
  if (own.some((arg) => !arg.startsWith('-') && isConfigTarget(arg))) {
    // By URL: a literal import would bundle start (and what it loads) into every `hive restart` (bundle-entries.js).
    const { default: start } = (await import(
      new URL('./start.js', import.meta.url).href
    )) as typeof import('./start.js');
    return start(argv, 'restart');
  }
  return targetCommand('restart', argv);
}
