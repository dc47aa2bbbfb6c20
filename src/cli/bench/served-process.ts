import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { BenchServerError } from './errors.js';

/** How to start a server for a bench run and tell when it serves. */
export interface ServeOptions {
  /** Names the server in errors (a configuration or subject name). */
  label: string;
  command: string;
  args: readonly string[];
  /** The loopback port it will serve on; it is ready once `GET /` there answers 2xx. */
  port: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The signal that stops it gracefully (default SIGTERM); SIGKILL follows after `killAfterMs`. */
  stopSignal?: NodeJS.Signals;
  killAfterMs?: number;
  readyTimeoutMs?: number;
  /** Wait this long after the first answer, so that every process of a cluster is up, not only the first. */
  settleMs?: number;
  /** Runs after the process has exited on stop (e.g. removes its temp directory). */
  cleanup?: () => void;
  /** Ends the wait for it to serve (Ctrl-C): it is stopped, and the start rejects (a BenchServerError). */
  signal?: AbortSignal;
  /** Hears each line of its stdout (else stdout is not read). */
  onStdoutLine?: (line: string) => void;
}

/** A running server; `stop()` ends it (idempotent) and resolves once it has exited. */
export interface ServedProcess {
  readonly port: number;
  /** The spawned process's pid: the root of its process tree (a cluster's primary, nginx's master). */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Spawns a server and resolves once it answers HTTP on its port. A server that exits first, or does not answer within
 * `readyTimeoutMs`, is stopped and rejects with a BenchServerError carrying the tail of its stderr.
 */
export async function startServedProcess(options: ServeOptions): Promise<ServedProcess> {
  const { label, port, stopSignal = 'SIGTERM', killAfterMs = 10_000, readyTimeoutMs = 60_000, settleMs = 0 } = options;
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', options.onStdoutLine ? 'pipe' : 'ignore', 'pipe'],
  });
  if (options.onStdoutLine && child.stdout) {
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', options.onStdoutLine);
  }
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let stderr = '';
  // None when the spawn failed short of descriptors (EMFILE): Node then makes no pipes, and says why in 'error'.
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null && spawnError === undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (running()) {
        child.kill(stopSignal);
        // Escalate, as a stuck drain must not hang the bench; the timer goes once the process is gone.
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        await exited;
        clearTimeout(timer);
      }
      options.cleanup?.();
    })();
    return stopping;
  };
  const fail = async (message: string) => {
    await stop();
    const tail = lastWords(stderr.trim());
    return new BenchServerError(label, tail === '' ? message : `${message}; its stderr ends with:\n${tail}`);
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    // Ctrl-C while a server starts (the wait may last readyTimeoutMs): stopped now, not once it answers.
    if (options.signal?.aborted) {
      await stop();
      throw new BenchServerError(label, 'stopped before it served: the bench was interrupted');
    }
    if (spawnError !== undefined) throw await fail(`could not start ${options.command}: ${spawnError.message}`);
    if (!running()) throw await fail(`exited (${child.signalCode ?? child.exitCode}) before serving`);
    if (await answers(port)) break;
    if (Date.now() > deadline) throw await fail(`did not answer GET / on port ${port} within ${readyTimeoutMs} ms`);
    await delay(100);
  }
  if (settleMs > 0) await delay(settleMs, undefined, { signal: options.signal }).catch(() => {});
  return { port, pid: child.pid ?? 0, stop };
}

// hive run's own error quotes the failed process's last stderr lines, which it also passed on, prefixed, before it:
// from its line on, they are said once.
function lastWords(tail: string): string {
  const own = tail.lastIndexOf('\nhive run: ');
  return own === -1 ? tail : tail.slice(own + 1);
}

async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
