import { homedir } from 'node:os';
import { join } from 'node:path';

// PM2 expands a leading `~` of these to the home folder (Common.prepareAppConf's resolveHome); taken as written,
// `error_file: '~/logs/api.err'` was a folder named `~` in the app's folder, and the logs went there. Hive's own
// format reads them alike: one file moved from PM2's format to `hive.config.*` must not change where its logs go.
const homePathKeys = ['cwd', 'outFile', 'errorFile', 'logFile'] as const;

/** `app` with a leading `~` of its cwd and log paths made the home folder, as PM2 reads them (only a leading one). */
export function withHomePaths<T extends Partial<Record<(typeof homePathKeys)[number], unknown>>>(app: T): T {
  const out = { ...app };
  for (const key of homePathKeys) {
    const value = out[key];
    if (typeof value === 'string' && value.startsWith('~')) out[key] = join(homedir(), value.slice(1)) as T[typeof key];
  }
  return out;
}
