import { startOr } from '../start-or.js';

/** `hive startOrRestart <config>` (also start-or-restart): see start-or.ts. */
export default function startOrRestart(argv: string[]): Promise<number> {
  return startOr('startOrRestart', argv);
}
