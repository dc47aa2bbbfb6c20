import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { freePort } from '../cluster/helpers.js';
import { appFixture, tempHome, waitFor } from './helpers.js';

// A process replaced over its memory limit is told in one wording, in MiB (the limit's `M` is binary), in daemon.log
// and in the events of monit and the dashboard: how much it used, and its limit (not the RSS as "the limit").

const hive = tempHome();

test('the memory-limit event says what the process used and its limit, both in MiB, in daemon.log and the views', async () => {
  const port = await freePort();
  await hive.json([
    'start',
    appFixture,
    '--name',
    'mem',
    '-i',
    '1',
    '--port',
    String(port),
    '--max-memory-restart',
    '120M',
  ]);
  const grown = await fetch(`http://127.0.0.1:${port}/grow?mb=150`);
  await grown.text();
  const line = await waitFor(
    () =>
      /mem: worker 0 \(pid \d+\) used (\d+) MiB, over its 120 MiB limit; replacing it$/m.exec(
        hive.readLog('../daemon.log'),
      ),
    'the memory-limit line in daemon.log',
  );
  assert.ok(Number(line[1]) > 120, line[0]);
  const snapshot = await hive.json<HiveSnapshot>(['monit', 'mem', '--once']);
  const event = snapshot.apps[0]!.events.find((e) => e.type === 'memory-limit');
  assert.match(event?.text ?? '', /^worker 0 \(pid \d+\) used \d+ MiB, over its 120 MiB limit; replacing it$/);
  assert.doesNotMatch(hive.readLog('../daemon.log'), / MB\b.*limit/);
});

test('an RSS just over the limit reads as more than it: decimals until the two differ', async () => {
  const { memoryLimitText } = await import('../../dist/cluster/memory-limit-text.js');
  const limit = 120 * 2 ** 20;
  assert.equal(
    memoryLimitText({ instance: 0, rss: 127.3 * 2 ** 20, limit }),
    'worker 0 used 127 MiB, over its 120 MiB limit',
  );
  assert.equal(
    memoryLimitText({ instance: 1, pid: 7, rss: limit + 300 * 1024, limit }),
    'worker 1 (pid 7) used 120.3 MiB, over its 120.0 MiB limit',
  );
});
