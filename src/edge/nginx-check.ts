/**
 * Runs `nginx -t` on a generated config in a throw-away prefix, so `hive edge nginx --check` proves the file with the
 * nginx that will load it before anything is written.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeNginxCheckError, EdgeNginxNotFoundError } from './errors.js';
import type { NginxConfigShape } from './nginx-config.js';
import { doubleQuote } from './nginx-writer.js';

/** The nginx binary: `HIVE_NGINX`, else `nginx` from PATH. */
export function nginxBinary(): string {
  return process.env.HIVE_NGINX || 'nginx';
}

/**
 * Checks `config` with `nginx -t`. A site file (conf.d shape) is checked inside a minimal http block. Log files named
 * in the config, and a whole nginx.conf's pid file, are opened by nginx, so run this as a user that may open them (as
 * `nginx -t` itself needs).
 */
export async function checkNginxConfig(config: string, shape: NginxConfigShape, binary = nginxBinary()): Promise<void> {
  const prefix = await mkdtemp(join(tmpdir(), 'hive-nginx-check-'));
  try {
    const site = join(prefix, 'site.conf');
    const main = join(prefix, 'nginx.conf');
    await writeFile(site, config);
    // Quoted: TMPDIR may hold a space, which would split the include into two arguments.
    await writeFile(main, shape === 'full' ? config : `events {}\nhttp {\n    include ${doubleQuote(site)};\n}\n`);
    await new Promise<void>((resolve, reject) => {
      execFile(binary, ['-t', '-p', prefix, '-c', main, '-g', 'error_log stderr;'], (error, stdout, stderr) => {
        if (!error) resolve();
        else if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          reject(new EdgeNginxNotFoundError(binary, { cause: error }));
        else reject(new EdgeNginxCheckError(`${stdout}${stderr}`.replaceAll(prefix, '<check>')));
      });
    });
  } finally {
    await rm(prefix, { recursive: true, force: true });
  }
}
