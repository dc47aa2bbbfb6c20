import { targetCommand } from '../target-command.js';

/** `hive delete <name|id|all>`. */
export default function deleteApp(argv: string[]): Promise<number> {
  return targetCommand('delete', argv);
}
