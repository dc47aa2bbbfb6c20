// Past the inotify limit (fs.inotify.max_user_watches), folders under a watched one that could not be watched were
// dropped in silence: saves there never reloaded the app. They are told, once per start and once per burst, and a
// watched path itself that cannot be watched is ERR_HIVE_WATCH_LIMIT, not an internal error. The limit is lowered in a
// user namespace of the child's own (/proc/sys/user/max_inotify_watches), not system-wide.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = mkdtempSync(join(tmpdir(), 'hive-fw-limit-'));
after(() => rmSync(root, { recursive: true, force: true }));

const unshare = spawnSync('unshare', ['-Ur', 'sh', '-c', 'echo 5 > /proc/sys/user/max_inotify_watches']);
const skip = unshare.status === 0 ? false : 'no user namespace to lower the inotify limit in (unshare -Ur)';

// Watches `tree` (10 folders) with 5 watches to spend, then makes 3 folders more in one burst; then watches `other`.
const child = `
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
writeFileSync('/proc/sys/user/max_inotify_watches', '5');
const { FileWatcher } = await import(process.argv[2]);
const [tree, other] = process.argv.slice(3);
const warnings = [];
let changed;
// The watchers are not persistent: this keeps the process up while it waits for them.
const alive = setInterval(() => {}, 1000);
const changes = new Promise((resolve) => { changed = resolve; });
const watcher = new FileWatcher([tree], [], changed, 100, undefined, undefined, (message) => warnings.push(message));
for (const name of ['new1', 'new2', 'new3']) mkdirSync(join(tree, name));
await changes;
let thrown;
try {
  new FileWatcher([other], [], () => {});
} catch (error) {
  thrown = { code: error.code, message: error.message };
}
watcher.close();
clearInterval(alive);
process.stdout.write(JSON.stringify({ warnings, thrown }));
`;

test('folders left unwatched at the inotify limit are told once per start and burst; a watched path is a typed error', {
  skip,
}, () => {
  const tree = join(root, 'tree');
  for (let i = 0; i < 10; i++) mkdirSync(join(tree, `d${i}`), { recursive: true });
  const other = join(root, 'other');
  mkdirSync(other);
  const script = join(root, 'child.mjs');
  writeFileSync(script, child);
  const module = new URL('../../dist/daemon/file-watcher.js', import.meta.url).href;
  const result = spawnSync('unshare', ['-Ur', process.execPath, script, module, tree, other], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const { warnings, thrown } = JSON.parse(result.stdout) as {
    warnings: string[];
    thrown?: { code: string; message: string };
  };
  // 5 watches: the tree and 4 of its 10 folders (its parent's, for the tree's own deletion, comes after).
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(warnings[0]!, /^6 folders are not watched, the first \S+tree\/d\d: .*ENOSPC/);
  assert.match(warnings[1]!, /^3 folders are not watched, the first \S+tree\/new\d: /);
  for (const warning of warnings) assert.match(warning, /sysctl fs\.inotify\.max_user_watches=\d+.*--ignore-watch/);
  assert.equal(thrown?.code, 'ERR_HIVE_WATCH_LIMIT');
  assert.match(thrown.message, new RegExp(`cannot watch ${other}: .*fs\\.inotify\\.max_user_watches=\\d+.*ENOSPC`));
});
