// A TypeScript project depending on hive compiles test/build/fixtures/api-consumer/consumer.ts against the built
// declarations (dist/): readonly arrays for the Supervisor's `args`/`nodeArgs` and the pool's `argv`/`execArgv` (they
// failed with TS4104 while reload() took them), `env: process.env` for the Supervisor (ProcessEnv's values may be
// undefined; the pool took it), and WorkerMetrics.report's type, MetricsReport, named through hive/cluster.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consumerProject } from '../consumer-project.js';

const consumer = fileURLToPath(new URL('./fixtures/api-consumer/consumer.ts', import.meta.url));

test('hive/cluster and hive/pool options take readonly arrays and process.env; MetricsReport is exported', () => {
  const project = consumerProject('hive-api-types-');
  copyFileSync(consumer, join(project.dir, 'consumer.ts'));
  const { status, output } = project.typecheck('consumer.ts');
  assert.equal(status, 0, `tsc failed:\n${output}`);
});
