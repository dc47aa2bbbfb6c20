// Hive says it runs on Node >= 20.11 (package.json engines): every package it installs for users (its dependencies
// and theirs, devDependencies aside) must say so too, or installing Hive on Node 20 prints EBADENGINE and may run
// code written for a newer Node (string-width 9 declared node >=22 until it was pinned to 8).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8'));

/** The manifest file of `name` as node resolves it from the package at `from`; undefined for an absent optional one. */
function manifestOf(name: string, from: string): string | undefined {
  const require = createRequire(join(from, 'package.json'));
  // Some packages do not export ./package.json: walk up from the node_modules folder node would look in.
  for (const folder of require.resolve.paths(name) ?? []) {
    try {
      const file = join(folder, name, 'package.json');
      readFileSync(file);
      return file;
    } catch {}
  }
  return undefined;
}

test("every production dependency's engines.node takes the oldest Node Hive supports", () => {
  const hive = read(join(root, 'package.json'));
  const floor = semver.minVersion(hive.engines?.node ?? '');
  assert.ok(floor, 'package.json has an engines.node range');
  const seen = new Set<string>();
  const refused: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const manifest = read(file);
    const range = manifest.engines?.node;
    if (file !== join(root, 'package.json') && range !== undefined && !semver.satisfies(floor, range))
      refused.push(`${manifest.name}@${manifest.version} (engines.node ${range})`);
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const child = manifestOf(name, dirname(file));
      if (child !== undefined) visit(child);
    }
  };
  visit(join(root, 'package.json'));
  assert.ok(seen.size > 10, `walked ${seen.size} packages`);
  assert.deepEqual(refused, [], `these do not run on Node ${floor}`);
});
