// `hive start worker` where a folder `worker` is in the current directory (the app's code, often) starts the app
// named worker, as PM2 does: only a file of that name is taken as the script meant. It used to be refused with
// ERR_HIVE_SCRIPT_NOT_FOUND (`... is a directory`).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

type App = { id: number; name: string; script: string; status: string };

test('hive start <name> beside a folder of that name starts or restarts the app', async () => {
  const cwd = hive.dir;
  mkdirSync(join(cwd, 'worker'));
  const [started] = await hive.json<App[]>(['start', appFixture, '-i', '1', '--name', 'worker'], { cwd });
  await hive.json(['stop', 'worker']);
  const [again] = await hive.json<App[]>(['start', 'worker'], { cwd });
  assert.deepEqual([again!.id, again!.script, again!.status], [started!.id, appFixture, 'online']);
  const [restarted] = await hive.json<App[]>(['start', 'worker'], { cwd });
  assert.deepEqual([restarted!.id, restarted!.status], [started!.id, 'online']);
  assert.equal((await hive.json<App[]>(['ls'])).length, 1, 'no app was added');
});
