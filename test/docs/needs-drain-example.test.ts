// The TSDoc of `needsDrain` (what an editor shows) recommended `await once(pool, 'available')`, which docs/pool.md
// warns against (events.once also listens for `error`). The example in the TSDoc must be the one in the docs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test("needsDrain's TSDoc example is docs/pool.md's", () => {
  const source = read('src/pool/pool.ts');
  const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*get needsDrain\(/.exec(source)?.[1];
  assert.ok(doc !== undefined, 'the TSDoc of needsDrain');
  const lines = doc.split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
  const example = /```js\n([\s\S]*?)```/.exec(lines.join('\n'))?.[1];
  assert.ok(example !== undefined, 'a js example in it');
  const section = read('docs/pool.md').split('## Backpressure')[1]?.split('\n## ')[0] ?? '';
  assert.ok(section.includes(`\`\`\`js\n${example}\`\`\``), `docs/pool.md's Backpressure section shows:\n${example}`);
  assert.doesNotMatch(doc, /await once\(pool/);
});
