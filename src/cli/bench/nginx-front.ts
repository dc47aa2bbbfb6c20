import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNginxConfig } from '../../edge/nginx-config.js';
import { type ServedProcess, startServedProcess } from './served-process.js';

/**
 * Where the bench looks for nginx (Debian's path; `HIVE_NGINX` overrides it, as for `hive edge nginx --check`). Empty
 * counts as unset (`HIVE_NGINX= hive bench`), not as a path.
 */
export function nginxBinary(): string {
  return process.env.HIVE_NGINX || '/usr/sbin/nginx';
}

/** Why nginx cannot run in front of the bench's cluster here, or undefined when it can. */
export function nginxMissing(): string | undefined {
  const bin = nginxBinary();
  return existsSync(bin) ? undefined : `${bin} not found (install nginx, or set HIVE_NGINX to its path)`;
}

/**
 * nginx's main context for a bench: paths relative to the temp prefix (pid, error log and temp files never leave it)
 * and one worker, since nginx, the app's processes and the load generator already share the cores.
 */
export const BENCH_NGINX_MAIN = { workerProcesses: 1, pid: 'nginx.pid', errorLog: 'error.log', tempDir: 'tmp' };

/**
 * nginx.conf as `hive edge nginx --full` writes it for an app on 127.0.0.1:`upstreamPort`, listening on `port`; with
 * `socket`, as `--socket` writes it for an app run with `hive run --socket`.
 */
export function hiveNginxConfig(port: number, upstreamPort: number, socket?: string): string {
  const upstream = socket === undefined ? { port: upstreamPort } : { port: upstreamPort, socket };
  return generateNginxConfig(
    {
      main: BENCH_NGINX_MAIN,
      sites: [{ app: 'bench', listen: { address: '127.0.0.1', port }, upstream, accessLog: false }],
    },
    { shape: 'full' },
  );
}

/**
 * A temp folder for the app's Unix socket that nginx can reach: nginx started as root runs its workers as nobody, who
 * must search the folder and connect to the socket (hence `hive run --socket-mode 666`). `remove()` deletes it.
 */
export function nginxSocketFolder(name = 'app.sock'): { socket: string; runArgs: string[]; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'hive-bench-sock-'));
  chmodSync(folder, 0o755);
  const socket = join(folder, name);
  return {
    socket,
    runArgs: ['--socket', socket, '--socket-mode', '666'],
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/**
 * Writes `config` into a fresh temp prefix and runs nginx in the foreground; resolves once a GET through it on `port`
 * answers 2xx. `stop()` ends nginx and removes the prefix.
 */
export function startNginx(
  config: string,
  port: number,
  label = 'nginx',
  signal?: AbortSignal,
): Promise<ServedProcess> {
  const prefix = mkdtempSync(join(tmpdir(), 'hive-bench-nginx-'));
  // nginx started as root runs its workers as nobody, who must be able to reach the temp directory.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'tmp'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config);
  return startServedProcess({
    label,
    command: nginxBinary(),
    args: ['-p', prefix, '-c', conf, '-g', 'daemon off; master_process on; error_log stderr;'],
    port,
    killAfterMs: 5000,
    readyTimeoutMs: 20_000,
    cleanup: () => rmSync(prefix, { recursive: true, force: true }),
    signal,
  });
}
