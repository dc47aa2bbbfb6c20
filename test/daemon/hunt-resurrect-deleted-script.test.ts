// A saved app whose script was deleted since: `hive resurrect` starts the others, and that one says why it does not
// start. Its reason was the hint `hive run` prints under its error ("Run `hive run --help` for the options."), read as
// a line of its own in place of the error (ERR_HIVE_SCRIPT_NOT_FOUND), in `lastError` and in `hive start`'s failure.
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { freePorts } from '../ports.js';
import { appFixture, tempHome } from './helpers.js';

test('resurrect: an app whose script is gone says so, the others start', async () => {
  const hive = tempHome();
  const [keptPort, gonePort] = await freePorts(2);
  const kept = join(hive.dir, 'kept.mjs');
  const gone = join(hive.dir, 'gone.mjs');
  copyFileSync(appFixture, kept);
  copyFileSync(appFixture, gone);
  await hive.json(['start', kept, '-i', '1', '--port', String(keptPort)]);
  await hive.json(['start', gone, '-i', '1', '--port', String(gonePort)]);
  await hive.json(['save']);
  await hive.json(['kill']);
  rmSync(gone);

  const apps = await hive.json<App[]>(['resurrect']);
  const byName = new Map(apps.map((app) => [app.name, app]));
  assert.equal(byName.get('kept')?.status, 'online');
  const reason = byName.get('gone')?.lastError ?? '';
  assert.match(reason, /ERR_HIVE_SCRIPT_NOT_FOUND: The script .*gone\.mjs does not exist/);
  assert.doesNotMatch(reason, /hive run --help/);

  // Started by name (a start of its own, not resurrect's background tries): its failure names the missing script too.
  await hive.json(['stop', 'gone']);
  const started = await hive.run(['start', 'gone']);
  assert.equal(started.code, 1);
  assert.match(started.stderr, /did not start: ERR_HIVE_SCRIPT_NOT_FOUND: The script .*gone\.mjs does not exist/);
});
