// `hive run --watch=<symlink>` of a deploy's layout (`current -> releases/v2`): switching the link to another release
// reloads the app into it, after which that release is the one watched.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, isEvent, killAll, startHive, tempDir } from '../cluster/helpers.js';
import { allServe, QUIET_MS } from './run-watch-helpers.js';

after(() => killAll());

const appSource = (version: string) =>
  `import http from 'node:http';\nhttp.createServer((req, res) => res.end('${version}')).listen(process.env.PORT);\n`;

test('hive run --watch=<symlink>: a switch of the link reloads into the new release, which is then watched', async () => {
  const dir = tempDir('hive-run-watch-symlink-');
  for (const release of ['v2', 'v3']) {
    mkdirSync(join(dir, 'releases', release), { recursive: true });
    writeFileSync(join(dir, 'releases', release, 'app.mjs'), appSource(release));
  }
  const current = join(dir, 'current');
  symlinkSync(join('releases', 'v2'), current);
  const port = await freePort();
  const hive = startHive([
    join(current, 'app.mjs'),
    '-i',
    '2',
    '--port',
    String(port),
    `--watch=${current}`,
    '--watch-delay',
    '200ms',
  ]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  await allServe(port, 'v2', 2);
  const reloads = () => hive.records.filter(isEvent('reload', { phase: 'done' })).length;

  // As deploy tools switch it: a new link renamed over the old one, atomically.
  symlinkSync(join('releases', 'v3'), join(dir, 'current.tmp'));
  renameSync(join(dir, 'current.tmp'), current);
  await allServe(port, 'v3', 2);
  assert.equal(reloads(), 1);

  // The release the link left is no longer watched; the one it points to is.
  writeFileSync(join(dir, 'releases', 'v2', 'app.mjs'), appSource('v2 edited'));
  await sleep(QUIET_MS);
  assert.equal(reloads(), 1, 'an edit of the release the link left reloaded the app');
  writeFileSync(join(dir, 'releases', 'v3', 'app.mjs'), appSource('v3 edited'));
  await allServe(port, 'v3 edited', 2);

  // As `ln -sfn` may: the link removed, then made again.
  unlinkSync(current);
  symlinkSync(join('releases', 'v2'), current);
  await allServe(port, 'v2 edited', 2);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
