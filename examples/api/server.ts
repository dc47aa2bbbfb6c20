/**
 * The demo API: a node:http server that keeps its event loop free by running CPU-heavy work on the process's shared
 * pool. `npm start` runs it clustered (`hive run examples/api/server.ts -i max`), on PORT, 3000 when unset.
 *
 *   GET /                  light: a small JSON reply
 *   GET /compute?n=35      fib(n) on the pool (worker threads): other requests keep flowing meanwhile
 *   GET /compute-inline?n=35  the same on the event loop: every other request of this process waits
 *   GET /health            200 while serving, 503 once the process is retiring
 */
import http from 'node:http';
import { clusterSize, instance, onShutdown, pool } from 'hive/runtime';
import { fib } from './fib.js';

// PORT from the environment, which every process inherits from `hive run` (no --port needed, so `npm start`'s script
// has no shell syntax for cmd.exe to miss); empty counts as unset, as in the `${PORT:-3000}` it replaces.
const port = Number(process.env.PORT || 3000);
const maxN = 42;
let retiring = false;

function parseN(url: URL): number | undefined {
  const n = Number(url.searchParams.get('n') ?? 35);
  return Number.isInteger(n) && n >= 0 && n <= maxN ? n : undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
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
        const started = performance.now();
        const result =
          url.pathname === '/compute'
            ? await pool(new URL('./fib.ts', import.meta.url)).run({ n }, { timeout: 30_000 })
            : fib(n);
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
