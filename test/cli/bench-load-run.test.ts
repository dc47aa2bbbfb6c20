// One autocannon run of hive bench (load-run.ts) against small local servers: what its figures count.
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { type LoadFigures, startLoad } from '../../dist/cli/bench/load-run.js';
import { formatFigure, formatReportText } from '../../dist/cli/bench/result-table.js';

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
