import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// The module map of docs/architecture.md drifts the moment a file is added, renamed or deleted without it: the
// out-of-repo design page's map did. This keeps the map and the tree in step, and says which lines to change.
const root = new URL('../../', import.meta.url).pathname;
const docPath = 'docs/architecture.md';

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

// What the map covers: every source file, the benches' shared library (its .d.ts files are types for the .js beside
// them) and the build's scripts.
function mapped(): string[] {
  return [
    ...files('src', (name) => name.endsWith('.ts')),
    ...files('bench/lib', (name) => name.endsWith('.js')),
    ...files('scripts', () => true),
  ].sort();
}

const doc = readFileSync(join(root, docPath), 'utf8');
// A map entry is a list item opening with the file's path in backticks: "- `src/pool/pool.ts`: ...".
const entries = [...doc.matchAll(/^- `([^`]+)`:/gm)].map((match) => match[1] ?? '');

test('every file under src/, bench/lib/ and scripts/ has a line in the module map of docs/architecture.md', () => {
  const listed = new Set(entries);
  const missing = mapped().filter((file) => !listed.has(file));
  assert.ok(mapped().length > 100, 'found the source files');
  assert.deepEqual(
    missing,
    [],
    `${docPath}: add a module map line ("- \`<path>\`: its one job") for:\n  ${missing.join('\n  ')}`,
  );
});

test('the module map of docs/architecture.md lists only files that exist, each once', () => {
  const gone = entries.filter((file) => !existsSync(join(root, file)));
  assert.deepEqual(
    gone,
    [],
    `${docPath}: remove the module map's lines of files that no longer exist:\n  ${gone.join('\n  ')}`,
  );
  const twice = entries.filter((file, i) => entries.indexOf(file) !== i);
  assert.deepEqual(
    twice,
    [],
    `${docPath}: these files have more than one line in the module map:\n  ${twice.join('\n  ')}`,
  );
});

test('every source path docs/architecture.md names, in the map or in the prose, exists', () => {
  const named = new Set(
    [...doc.matchAll(/(?<![\w/])(?:src|bench|scripts)\/[\w./-]+\.(?:ts|js|json)\b/g)].map((m) => m[0]),
  );
  const gone = [...named].filter((path) => !existsSync(join(root, path))).sort();
  assert.deepEqual(gone, [], `${docPath} names files that no longer exist; update or remove:\n  ${gone.join('\n  ')}`);
});
