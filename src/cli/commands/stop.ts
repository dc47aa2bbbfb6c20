import { targetCommand } from '../target-command.js';

/** `hive stop <name|id|all>`. */
export default function stop(argv: string[]): Promise<number> {
  return targetCommand('stop', argv);
}
