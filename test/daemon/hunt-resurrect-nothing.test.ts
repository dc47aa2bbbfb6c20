// `hive resurrect` with nothing to bring back printed the app table's "No apps. Start one with `hive start ...`": with
// the saved apps all running (a second resurrect, or one run out of habit) that says there are none, and with no dump
// at all it did not say there was none to read. An empty dump says it holds none.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, tempHome } from './helpers.js';

test('resurrect says why nothing was resurrected: no dump, or every saved app already running', async () => {
  const hive = tempHome();
  const dump = join(hive.home, 'dump.json');

  const none = await hive.run(['resurrect']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, `nothing to resurrect: ${dump} does not exist (\`hive save\` writes it)\n`);

  writeFileSync(dump, JSON.stringify({ version: 1, apps: [] }));
  const empty = await hive.run(['resurrect']);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, `nothing to resurrect: ${dump} holds no app\n`);

  const [started] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'tick', '-i', '1']);
  await hive.json(['save']);
  const again = await hive.run(['resurrect']);
  assert.equal(again.code, 0, again.stderr);
  // The dump's apps as they are (PM2's resurrect ends with the process list), then why none was started.
  assert.match(again.stdout, /^\d+\s+tick\s.*\bonline\b/m);
  assert.ok(
    again.stdout.endsWith(`\nnothing to resurrect: every app saved in ${dump} is in the daemon already\n`),
    again.stdout,
  );
  // The app was not started twice.
  const apps = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    apps.map((app) => [app.name, app.status, app.processes.length]),
    [['tick', 'online', started!.processes.length]],
  );
});
