// `hive update` resurrected into whichever daemon answered after its waits: one that answered `kill` but did not exit
// got the apps back, still running the old build.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { daemonFixture, isAlive, tempHome } from './helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const hive = tempHome();
const stuck = join(hive.dir, 'stuck');

type App = { name: string; status: string; processes: { pid: number }[] };

test('hive update fails, resurrecting nothing, when the daemon it killed still answers', async () => {
  // A copy of this build (the same protocol revision) whose daemon answers `kill` and then stays.
  cpSync(join(root, 'dist'), join(stuck, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  cpSync(join(root, 'package.json'), join(stuck, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(stuck, 'node_modules'));
  const daemonJs = join(stuck, 'dist/daemon/daemon.js');
  const source = readFileSync(daemonJs, 'utf8');
  const exit = 'setImmediate(() => void kill());';
  assert.ok(source.includes(exit), 'the built daemon exits after a kill');
  writeFileSync(daemonJs, source.replace(exit, ''));
  const stuckHive = join(stuck, 'dist/cli/hive.js');

  const started = await outputOf(
    spawn(process.execPath, [stuckHive, 'start', daemonFixture('ticker.sh'), '--name', 'tick', '--json'], {
      cwd: tmpdir(),
      env: { ...process.env, HIVE_HOME: hive.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    90_000,
  );
  assert.equal(started.code, 0, started.stderr);
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  hive.pids.add(daemon);
  for (const p of (JSON.parse(started.stdout) as App[])[0]!.processes) hive.pids.add(p.pid);

  const update = await hive.run(['update']);
  assert.equal(update.code, 1, update.stdout);
  assert.match(
    update.stderr,
    new RegExp(
      `^hive update: ERR_HIVE_DAEMON_UNREACHABLE: the old daemon \\(pid ${daemon}\\) has not exited yet, so the apps were not resurrected; they are saved in .*dump\\.json: .*run \`hive resurrect\``,
    ),
  );
  assert.ok(isAlive(daemon), 'the stuck daemon still runs');
  // Its apps stopped at the kill, and nothing was resurrected into it.
  const apps = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    apps.map((app) => [app.name, app.status, app.processes.length]),
    [['tick', 'stopped', 0]],
  );
});
