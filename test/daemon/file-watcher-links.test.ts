// Symbolic links under a watched folder are followed, as PM2's chokidar does: at start the walk took a link to a folder
// for a file (Dirent.isDirectory() is false for it) and a linked file's target was never watched, so saves in them
// never reloaded. And a watched folder deleted and made again a moment later (a clean rebuild) is seen at once, not by
// a poll a second later, after a first reload into no folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileWatcher } from '../../dist/daemon/file-watcher.js';
import { waitFor } from './helpers.js';

const base = mkdtempSync(join(tmpdir(), 'hive-fw-links-'));
after(() => rmSync(base, { recursive: true, force: true }));

test('links to folders and files are followed, at start as when made later, and a link to an ancestor is no loop', async (t) => {
  const root = join(base, 'app');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(base, 'shared', 'deep'), { recursive: true });
  mkdirSync(join(base, 'later'));
  writeFileSync(join(base, 'config.js'), 'v1');
  symlinkSync('../shared', join(root, 'lib'));
  symlinkSync('../config.js', join(root, 'config.js'));
  // Loops: to the watched folder's parent, and to the watched folder from below it.
  symlinkSync('..', join(root, 'loop'));
  symlinkSync('..', join(root, 'sub', 'up'));
  // Ignored by name, link or not.
  symlinkSync('../shared', join(root, 'node_modules'));
  const changes: string[] = [];
  const watcher = new FileWatcher([root], [], (file) => changes.push(file), 50);
  t.after(() => watcher.close());

  writeFileSync(join(base, 'shared', 'deep', 'a.js'), 'v2');
  await waitFor(() => changes.includes(join('lib', 'deep', 'a.js')), 'a save in a linked folder');
  writeFileSync(join(base, 'config.js'), 'v2');
  await waitFor(() => changes.includes('config.js'), "a save of a linked file's target");

  symlinkSync('../later', join(root, 'later'));
  await waitFor(() => changes.includes('later'), 'the new link');
  writeFileSync(join(base, 'later', 'b.js'), 'v1');
  await waitFor(() => changes.includes(join('later', 'b.js')), 'a save in a folder linked after the start');
  assert.ok(!changes.some((file) => file.startsWith('node_modules')), changes.join());
});

test('a watched folder removed and made again within the debounce reloads once, into the new folder', async () => {
  const dist = join(base, 'dist');
  mkdirSync(join(dist, 'sub'), { recursive: true });
  const changes: boolean[] = [];
  const watcher = new FileWatcher([dist], [], () => changes.push(existsSync(join(dist, 'sub', 'a.js'))), 300);
  try {
    rmSync(dist, { recursive: true });
    // Long enough for the deletion to be seen while the folder is missing, well within the debounce.
    await sleep(100);
    mkdirSync(join(dist, 'sub'), { recursive: true });
    writeFileSync(join(dist, 'sub', 'a.js'), '1');
    await waitFor(() => changes.length > 0, 'a reload');
    // Past the former second's poll and its own debounce: no second reload.
    await sleep(1500);
    assert.deepEqual(changes, [true]);
  } finally {
    watcher.close();
  }
});
