// What the watcher ignores: absolute ignore entries (PM2's `path.join(__dirname, 'data')`), dot files and folders below a
// watched folder (PM2's default), and a trailing `/**` taking in the folder itself (picomatch's reading).
// Each test changes a file that counts first, then ignored ones: unless ignored, one of them would be the burst's last
// change, the one reported.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { FileWatcher } from '../../dist/daemon/file-watcher.js';
import { waitFor } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'hive-fwi-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A FileWatcher on `paths` whose reported changes (one per burst) collect in the array returned.
function watching(t: TestContext, paths: string[], ignore: string[] = []): string[] {
  const changes: string[] = [];
  const watcher = new FileWatcher(paths, ignore, (file) => changes.push(file));
  t.after(() => watcher.close());
  return changes;
}

// A folder of its own under the test's root, with `folders` made in it.
function project(name: string, folders: string[] = []): string {
  const folder = join(root, name);
  for (const sub of ['', ...folders]) mkdirSync(join(folder, sub), { recursive: true });
  return folder;
}

test('an absolute ignore entry ignores that path and what is under it, in each watched folder it is in', async (t) => {
  const folder = project('abs', ['sub/data/deep', 'logs']);
  const changes = watching(
    t,
    [folder, join(folder, 'sub')],
    [join(folder, 'sub', 'data'), `${join(folder, 'logs')}/`, join(folder, '*.tmp')],
  );
  writeFileSync(join(folder, 'app.js'), 'v2');
  writeFileSync(join(folder, 'sub', 'data', 'a.json'), '{}');
  writeFileSync(join(folder, 'sub', 'data', 'deep', 'b.json'), '{}');
  writeFileSync(join(folder, 'logs', 'out.txt'), 'a line');
  writeFileSync(join(folder, 'x.tmp'), '');
  await waitFor(() => changes.length > 0, 'a change');
  assert.deepEqual(changes, ['app.js']);
});

test('dot files and folders below a watched folder are ignored by default, an ignore list or not', async (t) => {
  const lists = [[], ['*.log']];
  // Made before any is watched: a folder made while another of their parent's is, is seen as made by its own watcher.
  const folders = lists.map((_, i) => project(`dot-${i}`, ['.git', 'src']));
  for (const [i, ignore] of lists.entries()) {
    const folder = folders[i]!;
    const changes = watching(t, [folder], ignore);
    writeFileSync(join(folder, 'src', 'app.js'), 'v2');
    writeFileSync(join(folder, 'src', '.app.js.swp'), 'swap');
    writeFileSync(join(folder, '.git', 'index'), 'x');
    mkdirSync(join(folder, '.next', 'cache'), { recursive: true });
    writeFileSync(join(folder, '.next', 'cache', 'page.js'), 'x');
    await waitFor(() => changes.length > 0, 'a change');
    assert.deepEqual(changes, [join('src', 'app.js')], `ignore ${JSON.stringify(ignore)}`);
  }
});

test('a watched path that is a dot folder or a dot file itself is watched', async (t) => {
  const folder = project('dotwatch', ['.config/sub']);
  writeFileSync(join(folder, '.env'), 'A=1');
  const config = watching(t, [join(folder, '.config')]);
  const env = watching(t, [join(folder, '.env')]);
  writeFileSync(join(folder, '.config', 'sub', 'app.json'), '{}');
  writeFileSync(join(folder, '.env'), 'A=2');
  await waitFor(() => config.length > 0 && env.length > 0, 'a change of each');
  assert.deepEqual(config, [join('sub', 'app.json')]);
  assert.equal(env.length, 1);
});

test('an entry ending in /** ignores the folder itself too: deleted and made again, it is no change', async (t) => {
  const folder = project('globstar', ['cache/a', 'tmp']);
  const changes = watching(t, [folder], ['cache/**', `${join(folder, 'tmp')}/**`]);
  writeFileSync(join(folder, 'app.js'), 'v2');
  rmSync(join(folder, 'cache'), { recursive: true });
  rmSync(join(folder, 'tmp'), { recursive: true });
  mkdirSync(join(folder, 'cache'));
  mkdirSync(join(folder, 'tmp'));
  await waitFor(() => changes.length > 0, 'a change');
  assert.deepEqual(changes, ['app.js']);
});
