import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, type ReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { HiveHome } from './helpers.js';

/** An app started by startBurstToPipe: its outFile, a named pipe, the pipe's first reader, and its burst's marker. */
export interface BurstToPipe {
  fifo: string;
  /** Opened before the app started, never read yet: the pipe fills while the app writes its burst. */
  reader: ReadStream;
  /** Created by the app once its whole burst is written. */
  marker: string;
}

/**
 * Starts `app` (a shell script, from an ecosystem file in a folder of its own) with a named pipe as its outFile: it
 * writes `lines` lines of about 60 bytes at once (`burst <n> ....`), then a line every 0.1 s (`tail <n>`), numbered
 * on (`quiet`: nothing more). The pipe is opened by a reader first (destroyed after the test), which reads nothing until the test says so.
 */
export async function startBurstToPipe(
  t: TestContext,
  hive: HiveHome,
  app: string,
  lines: number,
  { quiet = false }: { quiet?: boolean } = {},
): Promise<BurstToPipe> {
  const dir = join(hive.dir, app);
  mkdirSync(dir);
  const marker = join(dir, 'burst-done');
  const script = join(dir, 'burst.sh');
  writeFileSync(
    script,
    `#!/bin/sh\nn=0\nwhile [ $n -lt ${lines} ]; do echo "burst $n ................................................"; n=$((n+1)); done\ntouch ${JSON.stringify(marker)}\nwhile true; do ${quiet ? '' : 'echo "tail $n"; n=$((n+1)); '}sleep 0.1; done\n`,
    { mode: 0o755 },
  );
  const fifo = join(dir, 'out.pipe');
  execFileSync('mkfifo', [fifo]);
  const config = join(dir, 'ecosystem.config.cjs');
  writeFileSync(
    config,
    `module.exports = { apps: [{ name: '${app}', script: ${JSON.stringify(script)}, out_file: ${JSON.stringify(fifo)} }] };\n`,
  );
  const reader = createReadStream(fifo, { encoding: 'utf8' });
  reader.on('error', () => {});
  t.after(() => reader.destroy());
  await hive.json(['start', config]);
  return { fifo, reader, marker };
}
