import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileWatcher } from '../../dist/daemon/file-watcher.js';
import { waitFor } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'hive-fw-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A FileWatcher on `folder` whose reported changes (one per burst) collect in `changes`.
function watching(t: { after: (fn: () => void) => void }, folder: string, ignore: string[] = []): string[] {
  const changes: string[] = [];
  const watcher = new FileWatcher([folder], ignore, (file) => changes.push(file));
  t.after(() => watcher.close());
  return changes;
}

test('an ignore entry may be a glob, as in PM2 ignore_watch: "*.log" ignores a log file anywhere', async (t) => {
  const folder = join(root, 'globs');
  mkdirSync(join(folder, 'logs'), { recursive: true });
  const changes = watching(t, folder, ['*.log', 'tmp/**']);
  writeFileSync(join(folder, 'app.js'), 'v2');
  // Written after the change that counts: unless ignored, they would be the burst's last change, the one reported.
  writeFileSync(join(folder, 'logs', 'out.log'), 'a line');
  writeFileSync(join(folder, 'app.log'), 'a line');
  await waitFor(() => changes.length > 0, 'a change');
  assert.deepEqual(changes, ['app.js']);
});

test('a watched folder deleted and created again at once (a build clean step) is still watched', async (t) => {
  const folder = join(root, 'dist');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'a.js'), 'v1');
  const changes = watching(t, folder);
  rmSync(folder, { recursive: true });
  mkdirSync(folder);
  await waitFor(() => changes.length > 0, 'the deletion reported');
  writeFileSync(join(folder, 'b.js'), 'v2');
  await waitFor(() => changes.includes('b.js'), 'a change in the new folder');
});

test('a watched folder that is not there yet is watched once it appears', async (t) => {
  const folder = join(root, 'later');
  const changes = watching(t, folder);
  mkdirSync(folder);
  await waitFor(() => changes.includes(folder), 'the folder appearing reported');
  writeFileSync(join(folder, 'c.js'), 'v1');
  await waitFor(() => changes.includes('c.js'), 'a change in it');
});

test('a watched file replaced by a rename (how editors save) is still watched', async (t) => {
  const folder = join(root, 'file');
  mkdirSync(folder);
  const file = join(folder, 'server.js');
  writeFileSync(file, 'v1');
  const changes = watching(t, file);
  for (const version of ['v2', 'v3']) {
    const seen = changes.length;
    writeFileSync(join(folder, '.server.js.tmp'), version);
    renameSync(join(folder, '.server.js.tmp'), file);
    await waitFor(() => changes.length > seen, `the save of ${version} reported`);
  }
});
