import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// fastify's habit: a code raised in src but not documented, or documented but gone, fails the build.
const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const codePattern = /ERR_HIVE_[A-Z0-9_]*[A-Z0-9]/g;
// In source, only string literals count (comments mention families such as ERR_HIVE_EDGE_*).
const literalPattern = /(?<=['"`])ERR_HIVE_[A-Z0-9_]*[A-Z0-9](?=['"`])/g;

test('every ERR_HIVE_* code raised in src/ is documented in docs/errors.md, and every documented one exists', () => {
  const inSource = new Set(
    sources(join(root, 'src')).flatMap((file) => readFileSync(file, 'utf8').match(literalPattern) ?? []),
  );
  const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  const documented = new Set(
    doc
      .split('\n')
      .filter((line) => line.startsWith('| `ERR_HIVE_'))
      .map((line) => line.match(codePattern)?.[0] ?? ''),
  );
  assert.ok(inSource.size > 5, 'found the codes in src');
  assert.deepEqual(
    [...inSource].filter((code) => !documented.has(code)).sort(),
    [],
    'codes missing from docs/errors.md',
  );
  assert.deepEqual(
    [...documented].filter((code) => !inSource.has(code)).sort(),
    [],
    'documented codes no longer raised',
  );
});

// hive/errors was in package.json's exports but documented nowhere, and gave out describeValue, a helper of Hive's own
// messages, as public API.
test('hive/errors exports the base error classes only, each documented in docs/errors.md', async () => {
  const entry: Record<string, unknown> = await import('hive/errors');
  assert.deepEqual(Object.keys(entry).sort(), ['HiveError', 'InvalidArgumentError']);
  const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  assert.match(doc, /^## The `hive\/errors` entry point$/m);
  for (const name of Object.keys(entry)) assert.match(doc, new RegExp(`^\\| \`${name}\` +\\|`, 'm'), name);
});
