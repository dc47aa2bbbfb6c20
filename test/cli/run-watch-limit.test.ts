// `hive run --watch` past the inotify limit: folders it could not watch are a warning line (they were dropped in
// silence), and a watched folder it cannot watch at all is ERR_HIVE_WATCH_LIMIT. The run is in a user namespace of its
// own whose limit is lowered (/proc/sys/user/max_inotify_watches), not the system's.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hiveBin, outputOf } from '../cluster/helpers.js';
import { freePort } from '../ports.js';
import { serving } from './run-watch-helpers.js';

const unshare = spawnSync('unshare', ['-Ur', 'sh', '-c', 'echo 5 > /proc/sys/user/max_inotify_watches']);
const skip = unshare.status === 0 ? false : 'no user namespace to lower the inotify limit in (unshare -Ur)';

const root = mkdtempSync(join(tmpdir(), 'hive-run-limit-'));
after(() => rmSync(root, { recursive: true, force: true }));

// `hive run` with `watches` inotify watches to spend.
function runWithWatches(watches: number, args: string[]) {
  return spawn(
    'unshare',
    [
      '-Ur',
      'sh',
      '-c',
      `echo ${watches} > /proc/sys/user/max_inotify_watches && exec "$@"`,
      'sh',
      process.execPath,
      hiveBin,
      'run',
      ...args,
    ],
    { env: { ...process.env, HIVE_HOME: join(root, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

test('hive run --watch warns of the folders past the inotify limit, and fails with ERR_HIVE_WATCH_LIMIT on a watched one', {
  skip,
}, async () => {
  const tree = join(root, 'tree');
  for (let i = 0; i < 10; i++) mkdirSync(join(tree, `d${i}`), { recursive: true });
  const app = join(root, 'app.mjs');
  writeFileSync(app, serving('v1'));
  const args = [app, '-i', '1', '--port', String(await freePort()), `--watch=${tree}`];

  const refused = await outputOf(runWithWatches(0, args), 30_000);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`ERR_HIVE_WATCH_LIMIT: cannot watch ${tree}: .*ENOSPC.*sysctl`));

  const run = runWithWatches(5, args);
  let stderr = '';
  run.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const ended = outputOf(run, 30_000);
  // Said before the workers start: the first line of the run's own.
  const warning = /warning: \d+ folders are not watched, the first \S+\/tree\/d\d: .*ENOSPC.*--ignore-watch/;
  await new Promise<void>((resolve) => {
    const check = () => {
      if (warning.test(stderr) || run.exitCode !== null) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
  run.kill('SIGTERM');
  await ended;
  assert.match(stderr, warning);
});
