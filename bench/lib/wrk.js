// wrk (C, epoll; Debian's `wrk` package) as a second load generator. autocannon runs on the V8 the servers also need
// and costs about 27 us of CPU per request on this 2-core machine, as much as a hello-world request costs a node
// server; wrk costs a fraction of that, so the cores left to the subjects, and the gaps between them, are closer to
// what a separate load-generating machine would show.
import { execFile, spawnSync } from 'node:child_process';

const UNITS_MS = { us: 0.001, ms: 1, s: 1000 };

/** Why wrk cannot run here (a line for the output), or undefined when it can. */
export function wrkMissing() {
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `wrk not found (${probe.error.message}); on Debian: apt-get install -y wrk`;
  return undefined;
}

/**
 * The figures of one `wrk --latency` run's output.
 * @param {string} text
 * @returns {{ rps: number, total: number, p99: number, errors: number, non2xx: number }}
 */
export function parseWrkOutput(text) {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const total = /^\s*(\d+) requests in /m.exec(text);
  if (rps === null || total === null) throw new Error(`wrk printed no results:\n${text.trim()}`);
  const p99 = /^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$/m.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    rps: Number(rps[1]),
    total: Number(total[1]),
    p99: p99 === null ? Number.NaN : Number(p99[1]) * UNITS_MS[p99[2]],
    errors: socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
  };
}

/**
 * One wrk run against `url`: `connections` keep-alive connections on one thread for `seconds`, as autocannon's runs.
 * @param {string} url
 * @param {{ connections: number, seconds: number }} options
 */
export function wrkLoad(url, { connections, seconds }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { encoding: 'utf8', timeout: (seconds + 20) * 1000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`wrk ${args.join(' ')}: ${error.message}${stderr}`));
      else {
        try {
          resolve(parseWrkOutput(stdout));
        } catch (cause) {
          reject(cause);
        }
      }
    });
  });
}
