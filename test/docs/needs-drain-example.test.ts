// The TSDoc of `needsDrain` (what an editor shows) recommended `await once(pool, 'available')`, which docs/pool.md
// warns against (events.once also listens for `error`). The example in the TSDoc must be the one in the docs, and it
// must compile in a TypeScript project using hive/pool (it once did not: `resolve` of a `Promise<unknown>` needs an
// argument, and the `available` event passes none, TS2345).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consumerProject } from '../consumer-project.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const backpressure = () => read('docs/pool.md').split('## Backpressure')[1]?.split('\n## ')[0] ?? '';

test("needsDrain's TSDoc example is docs/pool.md's", () => {
  const source = read('src/pool/pool.ts');
  const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*get needsDrain\(/.exec(source)?.[1];
  assert.ok(doc !== undefined, 'the TSDoc of needsDrain');
  const lines = doc.split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
  const example = /```ts\n([\s\S]*?)```/.exec(lines.join('\n'))?.[1];
  assert.ok(example !== undefined, 'a ts example in it');
  assert.ok(
    backpressure().includes(`\`\`\`ts\n${example}\`\`\``),
    `docs/pool.md's Backpressure section shows:\n${example}`,
  );
  assert.doesNotMatch(doc, /await once\(pool/);
});

test("docs/pool.md's backpressure example compiles under strict TypeScript against the built types", () => {
  const example = /```ts\n([\s\S]*?)```/.exec(backpressure())?.[1];
  assert.ok(example !== undefined, 'a ts example in the Backpressure section');
  const program = [
    "import { Pool } from 'hive/pool';",
    'export async function produce(pool: Pool, source: AsyncIterable<unknown>): Promise<unknown[]> {',
    '  const results: Promise<unknown>[] = [];',
    example,
    '  return Promise.all(results);',
    '}',
  ].join('\n');
  const project = consumerProject('hive-docs-example-');
  writeFileSync(join(project.dir, 'example.ts'), program);
  const { status, output } = project.typecheck('example.ts');
  assert.equal(status, 0, `tsc failed on:\n${program}\n${output}`);
});
