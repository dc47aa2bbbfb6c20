// Requests a process's death cuts off (a crash, a SIGKILL past killTimeout) count as aborted: the in-flight requests
// of its last report go to http_requests_aborted_total of its slot, rather than vanishing with the in-flight gauge.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { formatEvent } from '../../dist/cluster/log-format.js';
import type { SupervisorEvent } from '../../dist/cluster/supervisor.js';
import { isEvent, killAll } from '../cluster/helpers.js';
import { poll } from '../poll.js';
import { startWithMetrics } from './metrics-hive.js';
import { type Sample, sum } from './prometheus-text.js';
import { scrape } from './scrape.js';

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cut-'));
// Reports every 200 ms, not every second: each step below polls /metrics until a report carries it.
const reports = ['--memory-report-interval', '200ms'];

after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

function scrapeUntil(base: string, check: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> {
  return poll(async () => {
    const samples = await scrape(base);
    return check(samples) ? samples : undefined;
  }, what);
}

/**
 * `count` requests (each on its own connection) that the app answers once `gate` exists; resolves once the slot's
 * report has them in flight. Each promise settles with the status, or 0 when the connection was cut.
 */
async function hung(base: string, port: number, gate: string, count: number): Promise<Promise<number>[]> {
  const replies = Array.from({ length: count }, () =>
    request(`http://127.0.0.1:${port}/slow?gate=${encodeURIComponent(gate)}`, { reset: true }).then(
      async ({ statusCode, body }) => {
        await body.text();
        return statusCode;
      },
      () => 0,
    ),
  );
  await scrapeUntil(base, (s) => sum(s, 'http_requests_in_flight', { slot: '0' }) === count, `${count} in flight`);
  return replies;
}

test('requests in flight when a process crashes count as aborted for its slot', async () => {
  const { hive, base, port } = await startWithMetrics(app, 1, reports);
  const replies = await hung(base, port, join(dir, 'never'), 3);
  process.kill(hive.readyPids().get(0)!, 'SIGKILL');
  await hive.waitFor(isEvent('restart', { instance: 0 }), 'the restart');
  assert.deepEqual(await Promise.all(replies), [0, 0, 0]);
  const samples = await scrapeUntil(
    base,
    (s) => sum(s, 'hive_workers_ready') === 1 && sum(s, 'http_requests_in_flight', { slot: '0' }) === 0,
    "the new process's report",
  );
  assert.equal(sum(samples, 'http_requests_aborted_total', { slot: '0' }), 3);
  assert.equal(sum(samples, 'http_requests_total', { slot: '0' }), 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a retiring process SIGKILLed past killTimeout: its requests in flight count as aborted', async () => {
  const { hive, base, port } = await startWithMetrics(app, 1, ['--kill-timeout', '1s', ...reports]);
  const pid = hive.readyPids().get(0)!;
  const stuck = await hung(base, port, join(dir, 'never-either'), 2);
  hive.kill('SIGHUP');
  const killed = await hive.waitFor(isEvent('killed', { pid }), 'the retiring process killed', 60_000);
  // What held the drain, from the process's last report (its requests in flight, each on its own connection): the
  // overran line said only `overran killTimeout; SIGKILL sent`.
  assert.deepEqual(killed.waitingOn, { inFlight: 2, openConnections: 2, upgradedConnections: 0 });
  assert.equal(
    formatEvent('text', 'app', killed as unknown as SupervisorEvent),
    `[hive] app: worker 0 (pid ${pid}) overran killTimeout; SIGKILL sent (its drain was waiting on 2 request(s) in flight, 2 open connection(s) at its last report)`,
  );
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  assert.deepEqual(await Promise.all(stuck), [0, 0]);
  const samples = await scrapeUntil(
    base,
    (s) => sum(s, 'http_requests_aborted_total', { slot: '0' }) === 2,
    '2 aborted',
  );
  assert.equal(sum(samples, 'http_requests_total', { slot: '0' }), 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a drain that answers its requests counts them once, as answered, not as aborted', async () => {
  // The kill timeout outlasts the test: the drain ends when the gate opens, not at a bound.
  const { hive, base, port } = await startWithMetrics(app, 1, ['--kill-timeout', '60s', ...reports]);
  const pid = hive.readyPids().get(0)!;
  const gate = join(dir, 'gate');
  // In flight in a report, then answered in the drain: the last report, with none in flight, is read before the exit.
  const answered = await hung(base, port, gate, 2);
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('worker', { pid, state: 'draining' }), 'the drain', 60_000);
  writeFileSync(gate, '');
  assert.deepEqual(await Promise.all(answered), [200, 200]);
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  await hive.waitFor(isEvent('exit', { pid }), 'the exit');
  const samples = await scrapeUntil(base, (s) => sum(s, 'http_requests_total', { slot: '0' }) === 2, '2 answered');
  assert.equal(sum(samples, 'http_requests_aborted_total', { slot: '0' }), 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
