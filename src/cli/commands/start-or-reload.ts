import { startOr } from '../start-or.js';

/** `hive startOrReload <config>` (also startOrGracefulReload, start-or-reload): see start-or.ts. */
export default function startOrReload(argv: string[]): Promise<number> {
  return startOr('startOrReload', argv);
}
