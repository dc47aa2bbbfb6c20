import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { startDaemonMetrics } from '../../dist/daemon/daemon-metrics.js';
import type { AppExposition } from '../../dist/daemon/managed-app.js';
import type { KnownApp } from '../../dist/metrics/known-app-metrics.js';
import { parsePrometheusText, type Sample } from '../metrics/prometheus-text.js';

// The daemon's endpoint over apps whose answers the test chooses: a primary that misses a scrape by being slow cannot
// be produced on demand without a timing threshold (the real stopped primary is in daemon-metrics.test.ts).
// As docs/observability.md says: 3 missed scrapes in a row make an app down.
const DOWN_AFTER_MISSES = 3;
const known: KnownApp = {
  app: 'web',
  state: 'online',
  desiredWorkers: 2,
  readyWorkers: 2,
  primaryStartedAt: Date.now(),
  restarts: new Map(),
  processes: [],
};
const answered: AppExposition = {
  app: 'web',
  asked: [{ name: 'hive_up', help: 'up', type: 'gauge', values: [{ labels: { app: 'web' }, value: 1 }] }],
} as AppExposition;
const missed = (stopped: boolean): AppExposition => ({ app: 'web', error: 'timed out', stopped, known });

async function endpoint() {
  let next: AppExposition = answered;
  const log: string[] = [];
  const server = await startDaemonMetrics(
    { expositions: async () => [next], list: () => [] },
    { port: 0, host: '127.0.0.1' },
    (line) => log.push(line),
  );
  const scrape = async (answer: AppExposition): Promise<Sample[]> => {
    next = answer;
    const { statusCode, body } = await request(`http://127.0.0.1:${server.port}/metrics`);
    const text = await body.text();
    assert.equal(statusCode, 200, text);
    return parsePrometheusText(text).samples;
  };
  return { server, scrape, log };
}

const up = (samples: Sample[]) => samples.find((s) => s.name === 'hive_up' && s.labels.app === 'web')?.value;
const errors = (samples: Sample[]) =>
  samples.find((s) => s.name === 'hive_scrape_errors_total' && s.labels.app === 'web')?.value;

test('a primary that misses a scrape or two is left out of them, not shown as down; hive_up 0 after 3 in a row', async () => {
  const { server, scrape, log } = await endpoint();
  try {
    const first = await scrape(answered);
    assert.equal(up(first), 1);
    // There from the first answer, at 0: an increase() over the first miss then sees it.
    assert.equal(errors(first), 0);
    for (let i = 1; i < DOWN_AFTER_MISSES; i++) {
      const samples = await scrape(missed(false));
      assert.equal(up(samples), undefined, `miss ${i}: left out, not hive_up 0`);
      assert.ok(!samples.some((s) => s.labels.app === 'web' && s.name !== 'hive_scrape_errors_total'));
      assert.equal(errors(samples), i);
    }
    // An answer in between starts the count anew.
    assert.equal(up(await scrape(answered)), 1);
    for (let i = 1; i < DOWN_AFTER_MISSES; i++) assert.equal(up(await scrape(missed(false))), undefined);
    const down = await scrape(missed(false));
    assert.equal(up(down), 0, `${DOWN_AFTER_MISSES} misses in a row: down`);
    assert.equal(down.find((s) => s.name === 'hive_workers_ready' && s.labels.app === 'web')?.value, 2);
    assert.equal(up(await scrape(missed(false))), 0);
    assert.equal(up(await scrape(answered)), 1);
    assert.equal(log.filter((l) => /shown as down/.test(l)).length, 1, log.join('\n'));
    assert.equal(log.filter((l) => /back in metrics scrapes/.test(l)).length, 1, log.join('\n'));
  } finally {
    await server.close();
  }
});

test("a primary the daemon's ping marked unresponsive (a blocked loop, a fork-mode one) is down at once", async () => {
  const { server, scrape, log } = await endpoint();
  try {
    assert.equal(up(await scrape({ ...missed(false), unresponsive: true } as AppExposition)), 0);
    assert.match(log.join('\n'), /web: shown as down \(hive_up 0\) .*its primary does not answer the daemon's ping/);
    assert.equal(up(await scrape(answered)), 1);
  } finally {
    await server.close();
  }
});

test('a stopped primary (SIGSTOP, /proc state T) is down at its first missed scrape', async () => {
  const { server, scrape } = await endpoint();
  try {
    assert.equal(up(await scrape(missed(true))), 0);
    assert.equal(up(await scrape(answered)), 1);
  } finally {
    await server.close();
  }
});
