import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppMetric } from '../../dist/metrics/app-metrics.js';
import { mergeAppFamilies } from '../../dist/metrics/merge-apps.js';
import { parsePrometheusText } from './prometheus-text.js';

const family = (name: string, type: string, values: AppMetric['values']): AppMetric => ({
  name,
  help: `${name} help`,
  type,
  aggregator: 'sum',
  values,
});

test("several apps' families: one header each, app labels added, a clashing app label kept as exported_app", async () => {
  const text = await mergeAppFamilies([
    { app: 'a', families: [family('jobs_total', 'counter', [{ labels: { queue: 'q' }, value: 2 }])] },
    {
      app: 'b',
      families: [
        family('jobs_total', 'counter', [{ labels: { queue: 'q' }, value: 3 }]),
        family('tenant_info', 'gauge', [{ labels: { app: 'billing' }, value: 1 }]),
      ],
    },
  ]);
  const { samples } = parsePrometheusText(text);
  assert.equal(text.match(/^# HELP jobs_total /gm)?.length, 1);
  assert.equal(text.match(/^# TYPE jobs_total counter$/gm)?.length, 1);
  assert.deepEqual(
    samples.filter((s) => s.name === 'jobs_total').map((s) => [s.labels.app, s.value]),
    [
      ['a', 2],
      ['b', 3],
    ],
  );
  assert.deepEqual(samples.find((s) => s.name === 'tenant_info')?.labels, { exported_app: 'billing', app: 'b' });
});

test('a family another app defines with another type is left out for that app, so it keeps one TYPE', async () => {
  const text = await mergeAppFamilies([
    { app: 'a', families: [family('queue_depth', 'gauge', [{ labels: {}, value: 4 }])] },
    { app: 'b', families: [family('queue_depth', 'counter', [{ labels: {}, value: 9 }])] },
  ]);
  const { samples, types } = parsePrometheusText(text);
  assert.equal(types.get('queue_depth'), 'gauge');
  assert.deepEqual(
    samples.filter((s) => s.name === 'queue_depth').map((s) => s.labels.app),
    ['a'],
  );
});
