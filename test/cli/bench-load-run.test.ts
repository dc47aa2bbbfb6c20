// One autocannon run of hive bench (load-run.ts) against small local servers: what its figures count.
import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { type LoadFigures, startLoad } from '../../dist/cli/bench/load-run.js';

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
