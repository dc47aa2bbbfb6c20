import { targetCommand } from '../target-command.js';

/** `hive reload <name|id|all>`. */
export default function reload(argv: string[]): Promise<number> {
  return targetCommand('reload', argv);
}
