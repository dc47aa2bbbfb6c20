// A scale-down under the daemon (HIVE_DAEMON_METRICS_PORT): the slots it removes keep their counters, their requests
// cut off by the SIGKILL past killTimeout among them (as aborted), and lose their gauges, as a slot with no process.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { tempHome, waitFor } from '../daemon/helpers.js';
import { freePort } from '../ports.js';
import { type Sample, sum } from './prometheus-text.js';
import { scrape } from './scrape.js';

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
const hive = tempHome();
const GAUGES = ['http_requests_in_flight', 'http_open_connections', 'http_upgraded_connections'];

const slotsOf = (samples: Sample[], name: string) =>
  samples.filter((s) => s.name === name && s.labels.app === 'web').map((s) => s.labels.slot);

test('scale 3 to 1 past killTimeout: the removed slots count their requests in flight as aborted, and show no gauges', async () => {
  const env = { HIVE_DAEMON_METRICS_PORT: '0' };
  const port = await freePort();
  const args = ['start', app, '-i', '3', '--name', 'web', '--port', String(port), '--kill-timeout', '1s'];
  await hive.json(args, { env });
  const { daemonMetrics: url } = await hive.json<{ daemonMetrics: string }>(['version']);
  await waitFor(async () => {
    const samples = await scrape(url, '');
    return sum(samples, 'hive_workers_ready', { app: 'web' }) === 3 && slotsOf(samples, GAUGES[0]!).length === 3;
  }, 'three ready processes reporting');

  // Six requests on their own connections, which the round-robin hands to every process; answered once the gate exists.
  const gate = join(hive.dir, 'gate');
  const replies = Array.from({ length: 6 }, () =>
    request(`http://127.0.0.1:${port}/slow?gate=${encodeURIComponent(gate)}`, { reset: true }).then(
      async ({ statusCode, body }) => {
        await body.text();
        return statusCode;
      },
      () => 0,
    ),
  );
  const before = await waitFor(async () => {
    const samples = await scrape(url, '');
    return sum(samples, 'http_requests_in_flight', { app: 'web' }) === 6 ? samples : undefined;
  }, 'six requests in flight');

  await hive.json(['scale', 'web', '1']);
  const after = await waitFor(async () => {
    const samples = await scrape(url, '');
    return sum(samples, 'hive_workers_ready', { app: 'web' }) === 1 && slotsOf(samples, GAUGES[0]!).length === 1
      ? samples
      : undefined;
  }, 'one slot with gauges');
  const [kept] = slotsOf(after, GAUGES[0]!);
  const removed = ['0', '1', '2'].filter((slot) => slot !== kept);
  for (const name of GAUGES) assert.deepEqual(slotsOf(after, name), [kept], name);
  // Their counters stay.
  for (const slot of removed) assert.ok(slotsOf(after, 'http_requests_total').includes(slot), `slot ${slot}`);
  const cutOff = removed.reduce((n, slot) => n + sum(before, 'http_requests_in_flight', { app: 'web', slot }), 0);
  assert.ok(cutOff > 0, 'requests in flight in the removed slots');
  for (const slot of removed) {
    const inFlight = sum(before, 'http_requests_in_flight', { app: 'web', slot });
    assert.equal(sum(after, 'http_requests_aborted_total', { app: 'web', slot }), inFlight, `slot ${slot}`);
  }

  writeFileSync(gate, '');
  const statuses = await Promise.all(replies);
  assert.equal(statuses.filter((s) => s === 0).length, cutOff);
  assert.equal(statuses.filter((s) => s === 200).length, 6 - cutOff);
  const answered = await waitFor(async () => {
    const samples = await scrape(url, '');
    return sum(samples, 'http_requests_total', { app: 'web' }) === 6 - cutOff ? samples : undefined;
  }, 'the kept slot answering its requests');
  assert.equal(sum(answered, 'http_requests_aborted_total', { app: 'web', slot: kept! }), 0);
  assert.equal(sum(answered, 'http_requests_in_flight', { app: 'web' }), 0);
});
