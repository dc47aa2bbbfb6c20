// The dashboard of a Supervisor of one's own (docs/observability.md) compiles in a consumer project, also under
// `exactOptionalPropertyTypes`: the Supervisor's `restartsBefore` (possibly undefined) did not fit the optional
// property the dashboard's collector asked for there (TS2379), in a project stricter than this repository's own.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consumerProject } from '../consumer-project.js';

const consumer = fileURLToPath(new URL('./fixtures/dashboard-consumer/consumer.ts', import.meta.url));

test('hive/dashboard over a Supervisor compiles under strict and exactOptionalPropertyTypes', () => {
  const project = consumerProject('hive-dashboard-types-');
  copyFileSync(consumer, join(project.dir, 'consumer.ts'));
  for (const extra of [{}, { exactOptionalPropertyTypes: true }]) {
    const { status, output } = project.typecheck('consumer.ts', undefined, extra);
    assert.equal(status, 0, `tsc ${JSON.stringify(extra)} failed:\n${output}`);
  }
});
