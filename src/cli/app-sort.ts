import type { AppInfo } from '../daemon/protocol.js';
import { UsageError } from './daemon-command.js';

type Key = (app: AppInfo) => number | string;

// Stopped apps have no cpu or memory: below any figure, as PM2 shows them at 0.
const SORT_KEYS: Record<string, Key> = {
  name: (app) => app.name,
  id: (app) => app.id,
  cpu: (app) => app.cpu ?? -1,
  memory: (app) => app.memory ?? -1,
  restarts: (app) => app.restarts,
  // The uptime the table shows: the youngest process's.
  uptime: (app) => app.processUptime,
};

/**
 * The order of `hive ls --sort <field>[:asc|desc]` (PM2's `pm2 ls --sort name:desc`): ascending unless `:desc`, ties
 * by id. A field or direction it does not know is a {@link UsageError} naming the value.
 */
export function appOrder(sort: string): (a: AppInfo, b: AppInfo) => number {
  const [field = '', direction = 'asc', ...extra] = sort.split(':');
  const key = SORT_KEYS[field];
  if (key === undefined || (direction !== 'asc' && direction !== 'desc') || extra.length > 0) {
    throw new UsageError(
      `expected --sort to be <field>[:asc|desc] with field one of ${Object.keys(SORT_KEYS).join(', ')}, got ${JSON.stringify(sort)}`,
    );
  }
  const sign = direction === 'desc' ? -1 : 1;
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -sign : x > y ? sign : 0) || a.id - b.id;
  };
}
