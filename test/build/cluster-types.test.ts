// A TypeScript project depending on hive compiles test/build/fixtures/cluster-consumer/consumer.ts against the built
// declarations (dist/), as npm would install it: the Supervisor's events are typed (a listener's argument narrows on
// `type`, a misspelt event name fails), and reload() and scale() type their results; hive/runtime's broadcast() refuses
// what JSON cannot carry. One module resolution: the
// package layout under each is pool-types.test.ts's business.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consumerProject } from '../consumer-project.js';

const consumer = fileURLToPath(new URL('./fixtures/cluster-consumer/consumer.ts', import.meta.url));

test('hive/cluster: Supervisor events and results are typed in a consumer project', () => {
  const project = consumerProject('hive-cluster-types-');
  copyFileSync(consumer, join(project.dir, 'consumer.ts'));
  const { status, output } = project.typecheck('consumer.ts');
  assert.equal(status, 0, `tsc failed:\n${output}`);
});
