// A TypeScript project depending on hive, as npm would install it (node_modules/hive), compiles the consumer files of
// test/build/fixtures against the built declarations (dist/): what a user's editor and tsc see. Each fixture's
// `@ts-expect-error` must be an error and every other line must type-check:
// - api-consumer: readonly arrays for the Supervisor's `args`/`nodeArgs` and the pool's `argv`/`execArgv` (they
//   failed with TS4104 while reload() took them), `env: process.env` for the Supervisor, and MetricsReport named
//   through hive/cluster;
// - cluster-consumer: the Supervisor's events typed (a listener's argument narrows on `type`, a misspelt event name
//   fails), reload() and scale() typed results; hive/runtime's broadcast() refuses what JSON cannot carry;
// - dashboard-consumer: docs/observability.md's dashboard of a Supervisor of one's own (the Supervisor's possibly
//   undefined `restartsBefore` did not fit the collector's optional property under exactOptionalPropertyTypes, TS2379);
// - pool-consumer: `pool.run<R>()` types its result, under each `moduleResolution` a consumer may use.
// One tsc run checks them together under `strict` and exactOptionalPropertyTypes, the strictest project they meet
// (that option only adds errors): each run costs seconds of CPU that the suite's other files wait for.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consumerProject } from '../consumer-project.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = ['api', 'cluster', 'dashboard', 'pool'];

const project = consumerProject('hive-consumer-types-');
for (const name of fixtures) {
  mkdirSync(join(project.dir, name));
  copyFileSync(
    fileURLToPath(new URL(`./fixtures/${name}-consumer/consumer.ts`, import.meta.url)),
    join(project.dir, name, 'consumer.ts'),
  );
}

test('the consumer files compile against the built declarations under strict and exactOptionalPropertyTypes', () => {
  const files = fixtures.map((name) => `${name}/consumer.ts`);
  const { status, output } = project.typecheck(files, undefined, { exactOptionalPropertyTypes: true });
  assert.equal(status, 0, `tsc failed:\n${output}`);
});

// The package layout under the other resolutions: TypeScript's default with `module: commonjs` (node10) reads no
// `exports`, only `typesVersions` (or `types`); bundler reads `exports` as a bundler does.
for (const resolution of [
  { moduleResolution: 'node10', module: 'commonjs' },
  { moduleResolution: 'bundler', module: 'esnext' },
]) {
  test(`hive/pool's types compile with moduleResolution ${resolution.moduleResolution}`, () => {
    const { status, output } = project.typecheck('pool/consumer.ts', resolution);
    assert.equal(status, 0, `tsc failed:\n${output}`);
  });
}

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
