import { connect } from 'node:net';
import { renderTable } from '../app-output.js';
import type { UrlModeArgs } from './bench-args.js';
import { BenchUnreachableError } from './errors.js';
import { type LoadFigures, startLoad } from './load-run.js';
import { formatFigure, formatLatency } from './result-table.js';
import type { StatusLine } from './status-line.js';

/** The `--json` output of `hive bench <url>`. */
export interface UrlBenchReport extends LoadFigures {
  bench: 'hive-bench-url';
  url: string;
  method: string;
  connections: number;
  /** True when Ctrl-C (or SIGTERM, SIGHUP) ended the run before its `--duration` or `--amount`. */
  interrupted: boolean;
}

/**
 * Checks that the URL's host accepts a TCP connection within `timeoutMs`, so that a wrong port fails at once with one
 * clear error rather than after the whole run with thousands of connection errors. Rejects with BenchUnreachableError.
 */
export function checkReachable(url: string, timeoutMs = 5000): Promise<void> {
  const { hostname, port, protocol } = new URL(url);
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: portNumber });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new BenchUnreachableError(url, `no TCP connection to ${host}:${portNumber} within ${timeoutMs} ms`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ECONNREFUSED' ? `connection refused on ${host}:${portNumber}` : error.message;
      reject(new BenchUnreachableError(url, reason, { cause: error }));
    });
  });
}

/** Drives `args.url` with autocannon after a reachability check; progress on `status`. */
export async function runUrlBench(
  args: UrlModeArgs,
  status: StatusLine,
  signal?: AbortSignal,
): Promise<UrlBenchReport> {
  await checkReachable(args.url);
  const started = Date.now();
  const run = startLoad(
    {
      url: args.url,
      connections: args.connections,
      duration: args.duration,
      method: args.method,
      headers: args.headers,
      pipelining: args.pipelining,
      timeout: args.timeout,
      ...(args.body === undefined ? {} : { body: args.body }),
      ...(args.rate === undefined ? {} : { overallRate: args.rate }),
      ...(args.amount === undefined ? {} : { amount: args.amount }),
    },
    (responses) => {
      const elapsed = Math.round((Date.now() - started) / 1000);
      const of = args.amount === undefined ? `${elapsed}/${args.duration} s` : `${elapsed} s`;
      status.show(`${args.method} ${args.url}: ${of}, ${responses} responses`);
    },
  );
  const stop = () => run.stop();
  // Ctrl-C during the reachability check (a slow connect or DNS lookup) has fired already: the listener would never
  // hear of it, and the run went on for its whole --duration, deaf to Ctrl-C.
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  try {
    const figures = await run.done;
    // `duration` (among the figures) is the time the load ran, not --duration: autocannon can run a second longer.
    return {
      bench: 'hive-bench-url',
      url: args.url,
      method: args.method,
      connections: args.connections,
      interrupted: signal?.aborted === true,
      ...figures,
    };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/**
 * Why a URL run failed although it ran: no response was a 2xx or 3xx (every one a server error, say, or none at all),
 * so its figures measure no working service. Undefined when at least one was.
 */
export function unsuccessfulRun(report: LoadFigures & { connections: number; url: string }): string | undefined {
  const served = Object.entries(report.statusCodes).some(([code, count]) => /^[23]\d\d$/.test(code) && count > 0);
  if (served) return undefined;
  const codes = Object.entries(report.statusCodes)
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
  if (codes !== '') return `no response was 2xx or 3xx (status codes: ${codes})`;
  const sent = `${report.sent} request${report.sent === 1 ? '' : 's'} sent, none answered`;
  if (report.errors > 0) {
    const figures = `no response at all (${sent}; errors ${report.errors}, timeouts ${report.timeouts})`;
    // The mirror of the TLS port given an http:// URL below: a plain-HTTP port fails each TLS handshake, an error.
    return new URL(report.url).protocol === 'https:' && report.timeouts < report.errors
      ? `${figures}: the TLS handshake failed on each connection, as it does with a plain-HTTP port (use http://)`
      : figures;
  }
  // One request per connection at most: each was still waiting when the run ended, not closed on (closed, autocannon
  // reconnects and sends again, many more than the connections).
  if (report.sent <= report.connections) {
    return (
      `no response within the run (${sent}: each connection's first request was still waiting when it ended): a ` +
      'response slower than --duration; give a longer one'
    );
  }
  // No error and no timeout either: each connection was closed before any answer, which autocannon counts as
  // nothing (it reconnects and sends again), so the table's zeros said nothing of why.
  return (
    `no response at all (${sent}, and no error or timeout): the server closed each connection without an answer, ` +
    'as a TLS port does to an http:// URL (use https://) and an HTTP/2-only server to HTTP/1.1'
  );
}

/** The result of `hive bench <url>` for people. */
export function formatUrlReport(report: UrlBenchReport): string {
  const codes = Object.entries(report.statusCodes)
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
  return [
    `${report.method} ${report.url}, ${report.connections} connection(s), ${report.duration} s${report.interrupted ? ' (interrupted)' : ''}`,
    '',
    renderTable(
      ['req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'responses', 'unanswered', 'errors', 'timeouts', 'non-2xx'],
      [
        [
          formatFigure(report.rps),
          formatLatency(report, 'p50'),
          formatLatency(report, 'p90'),
          formatLatency(report, 'p99'),
          formatLatency(report, 'max'),
          String(report.requests),
          String(report.unanswered),
          String(report.errors),
          String(report.timeouts),
          String(report.non2xx),
        ],
      ],
    ),
    ...(codes === '' ? [] : ['', `status codes: ${codes}`]),
    ...(report.lowerBounds.length === 0
      ? []
      : [
          `unanswered: ${report.unanswered} request(s) were still waiting when the load ended (the longest for ` +
            `${formatFigure(report.unansweredWait)} ms): the latencies count them at that wait, so those marked ≥ are ` +
            'lower bounds',
        ]),
  ].join('\n');
}
