import { targetCommand } from '../target-command.js';

/** `hive restart <name|id|all>`. */
export default function restart(argv: string[]): Promise<number> {
  return targetCommand('restart', argv);
}
