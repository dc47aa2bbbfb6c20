// Two `hive resurrect` at once (the boot unit's and a user's, or two scripts): each listed only the apps it started
// itself, the first those it got to before the second came, the second the rest, and neither said the others were
// running. PM2's resurrect ends with the process list: each lists every app of the dump now, the second once the first
// is done, saying the daemon had them already.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dump = join(hive.home, 'dump.json');
const daemonLog = () => readOrEmpty(join(hive.home, 'daemon.log'));

test('two resurrects at once each list every app of the dump, the second saying the daemon had them', async () => {
  // `slow` is ready once the gate file exists (PM2's wait_ready), so that the first resurrect is still starting it
  // when the second comes; `quick` is ready once spawned.
  const gate = join(hive.dir, 'gate');
  const script = daemonFixture('pm2-ready.cjs');
  const apps = [
    { name: 'slow', script, exec_mode: 'fork', wait_ready: true, listen_timeout: 120_000, env: { READY_GATE: gate } },
    { name: 'quick', script, exec_mode: 'fork' },
  ];
  const file = hive.writeConfig(apps, 'apps.config.js');
  writeFileSync(gate, '');
  await hive.json(['start', file]);
  await hive.json(['save']);
  await hive.json(['delete', 'all']);
  rmSync(gate);

  const first = hive.run(['resurrect', '--json']);
  await waitFor(async () => {
    const listed = await hive.json<App[]>(['ls']);
    return listed.some((app) => app.name === 'slow' && app.status === 'starting');
  }, 'the first resurrect to be starting slow');
  const second = hive.run(['resurrect']);
  let secondDone = false;
  void second.then(() => {
    secondDone = true;
  });
  // Until the daemon has the second's request (it waits for the first), or the second is done (it did not wait).
  await waitFor(
    () => secondDone || daemonLog().includes('a second resurrect waits for the one under way'),
    'the second resurrect at the daemon',
  );
  writeFileSync(gate, '');
  const [one, two] = await Promise.all([first, second]);

  assert.equal(one.code, 0, one.stderr);
  const listed = JSON.parse(one.stdout) as App[];
  assert.deepEqual(
    listed.map((app) => [app.name, app.status, app.resurrected]),
    [
      ['slow', 'online', true],
      ['quick', 'online', true],
    ],
  );
  assert.equal(two.code, 0, two.stderr);
  assert.match(two.stdout, /^\d+\s+slow\s.*\bonline\b/m);
  assert.match(two.stdout, /^\d+\s+quick\s.*\bonline\b/m);
  assert.ok(
    two.stdout.endsWith(`\nnothing to resurrect: every app saved in ${dump} is in the daemon already\n`),
    two.stdout,
  );
  // Each app started once.
  const now = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    now.map((app) => [app.name, app.status, app.restarts]),
    [
      ['slow', 'online', 0],
      ['quick', 'online', 0],
    ],
  );
});
