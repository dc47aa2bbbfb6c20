// Hive installed under a path with a space or a non-ASCII letter (`/home/me/my projects/`, `C:\Users\Zoë` on WSL):
// the CLI spawned the daemon from its URL's pathname, %-encoded (`my%20projects`), which is no file, so every
// daemon command waited 10 s and failed with "did not start". A copy of this build under such a path starts a daemon,
// runs an app and stops, and a daemon that cannot start is said to have exited at once, with its code.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { appFixture, tempHome } from './helpers.js';

const hive = tempHome();
const repo = new URL('../..', import.meta.url);

test('a Hive installed under a path with a space and non-ASCII letters starts its daemon and runs an app', async () => {
  const install = join(hive.dir, 'my projects ü', 'hive');
  mkdirSync(install, { recursive: true });
  cpSync(new URL('dist', repo), join(install, 'dist'), { recursive: true });
  cpSync(new URL('package.json', repo), join(install, 'package.json'));
  symlinkSync(new URL('node_modules', repo), join(install, 'node_modules'));
  const bin = join(install, 'dist', 'cli', 'hive.js');

  const started = await hive.run(['start', appFixture, '--name', 'spaced', '-i', '1', '--json'], { bin });
  assert.equal(started.code, 0, started.stderr);
  const [app] = JSON.parse(started.stdout) as App[];
  assert.deepEqual([app!.name, app!.status, app!.ready], ['spaced', 'online', 1]);
  for (const p of app!.processes) hive.pids.add(p.pid);
  const killed = await hive.run(['kill'], { bin });
  assert.equal(killed.code, 0, killed.stderr);
});

test('a daemon that exits at its start is reported at once, with its exit code, not after the whole wait', async () => {
  const broken = join(hive.dir, 'broken');
  mkdirSync(broken, { recursive: true });
  cpSync(new URL('dist', repo), join(broken, 'dist'), { recursive: true });
  cpSync(new URL('package.json', repo), join(broken, 'package.json'));
  symlinkSync(new URL('node_modules', repo), join(broken, 'node_modules'));
  writeFileSync(join(broken, 'dist', 'daemon', 'main.js'), 'process.exit(7);\n');
  const home = join(hive.dir, 'broken-home');
  const listed = await hive.run(['ls'], { bin: join(broken, 'dist', 'cli', 'hive.js'), env: { HIVE_HOME: home } });
  assert.equal(listed.code, 1);
  assert.match(listed.stderr, /ERR_HIVE_DAEMON_UNREACHABLE: the daemon exited at its start \(code 7\) 3 times; see /);
});
