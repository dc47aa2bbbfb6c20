/**
 * The demo API: a node:http server that keeps its event loop free by running CPU-heavy work on the process's shared
 * pool. `npm start` runs it clustered (`hive run examples/api/server.ts -i max`), on PORT, 3000 when unset.
 *
 *   GET /                  light: a small JSON reply
 *   GET /compute?n=35      fib(n) on the pool (worker threads): other requests keep flowing meanwhile;
 *                          &timeout=<ms> bounds its run (default 30 s). Pool errors map as docs/errors.md says:
 *                          503 + Retry-After when the pool's queue is full, 504 past the timeout, 500 otherwise;
 *                          a client that hangs up cancels its task
 *   GET /compute-inline?n=35  the same on the event loop: every other request of this process waits
 *   GET /health            200 while serving, 503 once the process is retiring
 *
 * API_MAX_QUEUE: tasks each process's pool lets wait for a thread before it sheds requests (default: the pool's
 * own, 256 x threads).
 */
import http from 'node:http';
import { clusterSize, instance, onShutdown, pool } from 'hive/runtime';
import { fib } from './fib.js';

// PORT from the environment, which every process inherits from `hive run` (no --port needed, so `npm start`'s script
// has no shell syntax for cmd.exe to miss); empty counts as unset, as in the `${PORT:-3000}` it replaces.
const port = Number(process.env.PORT || 3000);
const maxN = 42;
const maxTimeout = 30_000;
const maxQueue = queueBound(process.env.API_MAX_QUEUE);
let retiring = false;

/**
 * A query parameter as a whole number min-max, `fallback` when absent, else undefined. Decimal digits only: Number()
 * alone would take `n=` as 0, and `0x10`, `1e1` or ` 5` as numbers.
 */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  return value >= min && value <= max ? value : undefined;
}

/**
 * API_MAX_QUEUE as a whole number; undefined when unset or empty (as for PORT). Anything else stops the process at its
 * start, naming the variable, rather than failing every /compute later with the pool's option error.
 */
function queueBound(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (!/^\d{1,9}$/.test(text)) {
    throw new RangeError(`API_MAX_QUEUE: expected a whole number of tasks, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

const parseN = (url: URL) => intParam(url, 'n', 35, 0, maxN);
const parseTimeout = (url: URL) => intParam(url, 'timeout', maxTimeout, 1, maxTimeout);

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A pool error as an HTTP answer, as docs/errors.md recommends. */
function sendPoolError(res: http.ServerResponse, error: Error & { code?: string }): void {
  if (error.code === 'ERR_HIVE_QUEUE_FULL') {
    // Backpressure: every thread is busy and the queue is at its bound. Shed, and say when to try again.
    send(res, 503, { error: 'busy, try again shortly', code: error.code }, { 'retry-after': '1' });
  } else {
    send(res, error.code === 'ERR_HIVE_TASK_TIMEOUT' ? 504 : 500, { error: error.message, code: error.code });
  }
}

/** The pool's task for one request: cancelled (its thread stopped, or its place in the queue freed) on hang-up. */
async function compute(req: http.IncomingMessage, res: http.ServerResponse, n: number, timeout: number) {
  const hangUp = new AbortController();
  // The response's 'close' comes when the connection ends, and after the response was sent: only the first counts.
  const onClose = () => {
    if (!res.writableFinished) hangUp.abort(new Error(`client hung up: ${req.method} ${req.url}`));
  };
  res.once('close', onClose);
  try {
    const options = maxQueue === undefined ? {} : { maxQueue };
    return await pool(new URL('./fib.ts', import.meta.url), options).run<number>(
      { n },
      { timeout, signal: hangUp.signal },
    );
  } finally {
    res.off('close', onClose);
  }
}

/** The request target as a URL, or undefined when it is not one (`GET //[`): a 400, not a crash of the process. */
function parseTarget(req: http.IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

const server = http.createServer(async (req, res) => {
  const url = parseTarget(req);
  if (url === undefined) return send(res, 400, { error: 'bad request target' });
  try {
    switch (url.pathname) {
      case '/':
        return send(res, 200, { hello: 'hive', instance, pid: process.pid, clusterSize: clusterSize() });
      case '/health':
        return send(res, retiring ? 503 : 200, { status: retiring ? 'retiring' : 'ok', instance });
      case '/compute':
      case '/compute-inline': {
        const n = parseN(url);
        if (n === undefined) return send(res, 400, { error: `n must be an integer 0-${maxN}` });
        const timeout = parseTimeout(url);
        if (timeout === undefined) return send(res, 400, { error: `timeout must be an integer 1-${maxTimeout} (ms)` });
        const started = performance.now();
        let result: number;
        if (url.pathname === '/compute-inline') result = fib(n);
        else {
          try {
            result = await compute(req, res, n, timeout);
          } catch (error) {
            // Aborted on hang-up: nobody is left to answer.
            if (res.destroyed) return;
            return sendPoolError(res, error as Error);
          }
        }
        const ms = Math.round(performance.now() - started);
        return send(res, 200, { n, result, ms, on: url.pathname === '/compute' ? 'pool' : 'event loop', instance });
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  } catch (error) {
    return send(res, 500, { error: (error as Error).message });
  }
});

onShutdown(() => {
  retiring = true;
});

server.listen(port, () => console.log(`api (process ${instance} of ${clusterSize()}) on http://127.0.0.1:${port}`));
