import { targetCommand } from '../target-command.js';

/** `hive reset <name|id|all|config>...`: zeroes the restart counters (PM2's `pm2 reset`). */
export default function reset(argv: string[]): Promise<number> {
  return targetCommand('reset', argv);
}
