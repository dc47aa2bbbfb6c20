import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AppLogs } from '../../dist/daemon/app-logs.js';
import { readOrEmpty, waitFor } from './helpers.js';

/** An app's log, rotated by size at 1K, that was moved away to `${out}.1` before the daemon could notice. */
export interface MovedLog {
  /** The log's path, now free: the moved file is at `${out}.1`. */
  out: string;
  logs: AppLogs;
  /** What the daemon's log code wrote to this process's stderr (where it reports a failed rename) since the start. */
  reports: string[];
}

/**
 * Opens `app`'s log (`${app}-out.log` in `dir`), writes two lines to it and moves it away (logrotate's `create` mode),
 * the second line written after the daemon's once-a-second check of the path has just run, so that the move goes
 * unnoticed. The logs are closed and stderr put back after the test.
 */
export async function moveLogUnnoticed(dir: string, app: string): Promise<MovedLog> {
  const out = join(dir, `${app}-out.log`);
  const logs = new AppLogs(dir, app, { outFile: out, logRotation: { size: '1K' } });
  after(() => logs.close());
  const reports: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    reports.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  after(() => {
    process.stderr.write = write;
  });
  logs.write('stdout', 'first');
  await waitFor(() => readOrEmpty(out).includes('first\n'), 'the first line');
  // Once the file's inode is known, a line has the daemon check it is still at its path: not again for a second.
  await delay(100);
  logs.write('stdout', 'second');
  await waitFor(() => readOrEmpty(out).includes('second\n'), 'the second line');
  renameSync(out, `${out}.1`);
  return { out, logs, reports };
}
