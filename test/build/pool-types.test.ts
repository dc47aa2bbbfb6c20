// A TypeScript project depending on hive compiles test/build/fixtures/pool-consumer/consumer.ts against the built
// declarations (dist/), found through node_modules/hive as npm would install it: `pool.run<R>()` must type its
// result, under each `moduleResolution` a consumer may use.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const consumer = fileURLToPath(new URL('./fixtures/pool-consumer/consumer.ts', import.meta.url));

const resolutions = [
  // TypeScript's default with `module: commonjs`: it reads no `exports`, only `typesVersions` (or `types`).
  { moduleResolution: 'node10', module: 'commonjs' },
  { moduleResolution: 'node16', module: 'node16' },
  { moduleResolution: 'bundler', module: 'esnext' },
];

describe('hive/pool types in a consumer project', () => {
  const project = mkdtempSync(join(tmpdir(), 'hive-pool-types-'));
  after(() => rmSync(project, { recursive: true, force: true }));
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  symlinkSync(root, join(project, 'node_modules/hive'), 'dir');
  symlinkSync(join(root, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  copyFileSync(consumer, join(project, 'consumer.ts'));

  for (const { moduleResolution, module } of resolutions) {
    test(`compiles with moduleResolution ${moduleResolution}`, () => {
      const config = `tsconfig.${moduleResolution}.json`;
      const compilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: 'es2022',
        module,
        moduleResolution,
        types: ['node'],
      };
      writeFileSync(join(project, config), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
      const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: project, encoding: 'utf8' });
      assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
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
