import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

// The inotify watches this process holds (Linux): one line per watch in the fdinfo of each inotify descriptor.
function inotifyWatches(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== 'anon_inode:inotify') continue;
      count += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('inotify')).length;
    } catch {}
  }
  return count;
}

test('node_modules and ignored folders are not walked: a watch per watched folder, none per file', async (t) => {
  const folder = join(root, 'project');
  for (let i = 0; i < 50; i++) {
    mkdirSync(join(folder, 'node_modules', `pkg${i}`, 'lib'), { recursive: true });
    writeFileSync(join(folder, 'node_modules', `pkg${i}`, 'lib', 'index.js'), '');
  }
  mkdirSync(join(folder, 'src'));
  mkdirSync(join(folder, 'logs'));
  writeFileSync(join(folder, 'src', 'app.js'), 'v1');
  const before = inotifyWatches();
  const changes = watching(t, folder, ['logs']);
  // The project folder and src (and the parent, to see the folder replaced): node_modules and logs are left out.
  assert.ok(inotifyWatches() - before <= 3, `${inotifyWatches() - before} inotify watches`);
  writeFileSync(join(folder, 'src', 'app.js'), 'v2');
  await waitFor(() => changes.includes(join('src', 'app.js')), 'a change in src');
});
