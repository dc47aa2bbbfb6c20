// The protocol's schemas are what the modules protocol.js imports make them (the app name rule, instance counts):
// the revision hashed protocol.js alone, so a build that changed the name rule kept the revision of the one before.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'hr-'));
after(() => rmSync(copy, { recursive: true, force: true }));

/** The protocol revision `hive version` of the dist at `dir` reports (no daemon runs in the empty HIVE_HOME). */
async function revisionOf(dir: string): Promise<string> {
  const child = spawn(process.execPath, [join(dir, 'dist/cli/hive.js'), 'version', '--json'], {
    cwd: tmpdir(),
    env: { ...process.env, HIVE_HOME: join(copy, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await outputOf(child, 60_000);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { protocol: string }).protocol;
}

test('the protocol revision changes with a module protocol.js imports, directly or not, and with no other', async () => {
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  cpSync(join(root, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const revisions = [await revisionOf(root), await revisionOf(copy)];
  assert.equal(revisions[1], revisions[0], 'a copy of the build has its revision');
  // A module the protocol does not import: the same revision.
  appendFileSync(join(copy, 'dist/daemon/dump.js'), '\n// edited\n');
  assert.equal(await revisionOf(copy), revisions[0]);
  // app-name.js (imported by protocol.js), then pool/available-cores.js (imported by cluster/instances.js, which
  // protocol.js imports): a new revision each time.
  for (const module of ['dist/daemon/app-name.js', 'dist/pool/available-cores.js']) {
    appendFileSync(join(copy, module), '\n// edited\n');
    const revision = await revisionOf(copy);
    assert.ok(!revisions.includes(revision), `${module}: ${revision} is a new revision`);
    revisions.push(revision);
  }
});
