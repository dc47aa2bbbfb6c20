// `hive start --watch` past the inotify limit: folders it could not watch were dropped in silence (exit 0, saves there
// never reloading), and a watched folder it could not watch at all was ERR_HIVE_DAEMON_INTERNAL. The daemon runs in a
// user namespace of its own whose limit is lowered (/proc/sys/user/max_inotify_watches), not the system's.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { hiveBin, tempHome } from './helpers.js';

const unshare = spawnSync('unshare', ['-Ur', 'sh', '-c', 'echo 5 > /proc/sys/user/max_inotify_watches']);
const skip = unshare.status === 0 ? false : 'no user namespace to lower the inotify limit in (unshare -Ur)';

test('hive start --watch past the inotify limit warns of the folders not watched; a folder not watched at all is ERR_HIVE_WATCH_LIMIT', {
  skip,
}, async () => {
  const hive = tempHome();
  const tree = join(hive.dir, 'tree');
  for (let i = 0; i < 10; i++) mkdirSync(join(tree, `d${i}`), { recursive: true });
  const script = join(hive.dir, 'srv.js');
  // Fork mode (-x): a program that serves nothing.
  writeFileSync(script, 'setInterval(() => {}, 1000);\n');
  // The daemon this start spawns runs in the namespace too: 6 watches for every app it watches.
  const child = spawn(
    'unshare',
    [
      '-Ur',
      'sh',
      '-c',
      'echo 6 > /proc/sys/user/max_inotify_watches && exec "$@"',
      'sh',
      process.execPath,
      hiveBin,
      'start',
      script,
      '-x',
      '--name',
      'a',
      `--watch=${tree}`,
    ],
    { env: { ...process.env, HIVE_HOME: hive.home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = await outputOf(child, 60_000);
  assert.equal(started.code, 0, started.stderr);
  const warning =
    /\d+ folders are not watched, the first \S+\/tree\/d\d: .*ENOSPC.*sysctl fs\.inotify\.max_user_watches=\d+/;
  assert.match(started.stderr, warning);
  assert.match(hive.readLog('../daemon.log'), new RegExp(`a: warning: ${warning.source}`));

  const other = join(hive.dir, 'other');
  mkdirSync(other);
  const refused = await hive.run(['start', script, '-x', '--name', 'b', `--watch=${other}`]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`ERR_HIVE_WATCH_LIMIT: cannot watch ${other}: .*ENOSPC`));
});
