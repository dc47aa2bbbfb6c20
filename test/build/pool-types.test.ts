// A TypeScript project depending on hive compiles test/build/fixtures/pool-consumer/consumer.ts against the built
// declarations (dist/), found through node_modules/hive as npm would install it: `pool.run<R>()` must type its
// result, under each `moduleResolution` a consumer may use.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consumerProject } from '../consumer-project.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const consumer = fileURLToPath(new URL('./fixtures/pool-consumer/consumer.ts', import.meta.url));

const resolutions = [
  // TypeScript's default with `module: commonjs`: it reads no `exports`, only `typesVersions` (or `types`).
  { moduleResolution: 'node10', module: 'commonjs' },
  { moduleResolution: 'node16', module: 'node16' },
  { moduleResolution: 'bundler', module: 'esnext' },
];

describe('hive/pool types in a consumer project', () => {
  const project = consumerProject('hive-pool-types-');
  copyFileSync(consumer, join(project.dir, 'consumer.ts'));

  for (const resolution of resolutions) {
    test(`compiles with moduleResolution ${resolution.moduleResolution}`, () => {
      const { status, output } = project.typecheck('consumer.ts', resolution);
      assert.equal(status, 0, `tsc failed:\n${output}`);
    });
  }
});

// node10 resolution reads no `exports`: an entry point added there and not to `typesVersions` has no types for it.
test("every entry point's types are in package.json's typesVersions too", () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { types?: string }>;
    typesVersions: Record<string, Record<string, string[]>>;
  };
  const expected = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === 'object' && target.types !== undefined ? [[subpath.slice(2), [target.types]]] : [],
  );
  assert.deepEqual(Object.entries(pkg.typesVersions['*'] ?? {}), expected);
});
