// One autocannon run of hive bench (load-run.ts) against small local servers: what its figures count.
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { type LoadFigures, startLoad } from '../../dist/cli/bench/load-run.js';
import { formatFigure, formatLatency, formatReportText } from '../../dist/cli/bench/result-table.js';

/** Runs autocannon for `duration` s on `connections` against a server answering with `handler`. */
async function loadOf(handler: RequestListener, connections = 1, duration = 1): Promise<LoadFigures> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return await startLoad({ url, connections, duration }).done;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

// Hive kept autocannon's mean of its once-a-second samples and reported --duration as the time run, though autocannon
// runs a second longer when its stop timer and its sample tick tie (QA): the figures are of the time measured.
test('the figures have the seconds the load ran, and req/s is the responses over them', async () => {
  const figures = await loadOf((_req, res) => res.end('ok'));
  assert.equal(typeof figures.duration, 'number');
  assert.ok(figures.duration >= 1, `duration ${figures.duration}`);
  assert.ok(figures.requests > 0);
  assert.ok(Math.abs(figures.rps * figures.duration - figures.requests) < 1e-6 * figures.requests, String(figures.rps));
});

// With a full pool queue examples/api answers 503 at once, and hive bench counted those answers in the heavy route's
// req/s (452 req/s, of which 85 were 200s), exit 0 (QA): its req/s counts the 2xx answers, the errors stay apart.
test('hive bench counts only 2xx answers in its req/s; the 503s are errors', async () => {
  let answered = 0;
  const figures = await loadOf((_req, res) => {
    res.statusCode = ++answered % 4 === 0 ? 200 : 503;
    res.end();
  });
  const ok = figures.statusCodes['200'] ?? 0;
  assert.ok(ok > 0 && (figures.statusCodes['503'] ?? 0) > ok, JSON.stringify(figures.statusCodes));
  assert.ok(Math.abs(figures.okRps * figures.duration - ok) < 1e-6 * ok, `okRps ${figures.okRps}`);
  const configuration = {
    name: 'single-pool',
    label: 'single process + pool',
    instances: '1' as const,
    processes: 1,
    heavyRoute: '/compute?n=30',
    nginx: false,
    light: figures,
    heavy: figures,
    errors: 2 * figures.non2xx,
    crashes: 0,
  };
  const row = formatReportText({
    bench: 'hive-bench',
    node: process.version,
    cpus: 1,
    startedAt: new Date().toISOString(),
    loadavg: { before: 0, after: 0 },
    duration: 1,
    connections: { light: 1, heavy: 1 },
    heavyN: 30,
    configurations: [configuration],
    skipped: [],
    failed: [],
    interrupted: false,
  })
    .split('\n')
    .find((line) => line.startsWith('single process + pool'));
  const cells = row?.split(/ {2,}/) ?? [];
  assert.equal(cells[1], formatFigure(figures.okRps), row);
  assert.equal(cells[4], formatFigure(figures.okRps), row);
});

// A connection stuck on a request when the load ended was left out of the figures: a server that never answers every
// 5th request showed a p99 of a few ms, errors 0 and timeouts 0, with every connection hung (QA). The requests still
// waiting are counted (`unanswered`), and enter the percentiles at the time they had waited, marked as lower bounds.
test('requests still waiting when the load ends are counted, and in the latencies at their wait', async () => {
  let seen = 0;
  let held = 0;
  const figures = await loadOf((_req, res) => {
    if (++seen % 5 === 0) held++;
    else res.end('ok');
  }, 2);
  assert.equal(held, 2, 'each connection ends stuck on one request');
  assert.equal(figures.unanswered, held);
  assert.equal(figures.requests, seen - held);
  // 2 of the 10 requests waited to the end: the 90th and 99th percentiles are their waits, the 99th the longest.
  assert.equal(seen, 10);
  assert.equal(figures.p99, figures.max);
  assert.ok(figures.max > 0, `max ${figures.max}`);
  assert.deepEqual(figures.lowerBounds, ['p90', 'p99', 'max']);
  assert.equal(figures.unansweredWait, figures.max);
  assert.equal(formatLatency(figures, 'p99'), `≥${formatFigure(figures.p99)}`);
});

test('a server that never answers: the one request waiting is the figures, not no latency', async () => {
  const figures = await loadOf(() => {});
  assert.equal(figures.requests, 0);
  assert.equal(figures.unanswered, 1);
  assert.ok(figures.max > 0 && figures.p50 === figures.max, JSON.stringify(figures));
  assert.deepEqual(figures.lowerBounds, ['p50', 'p90', 'p99', 'max']);
});
