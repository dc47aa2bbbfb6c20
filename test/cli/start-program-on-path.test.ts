// `hive start <program>` (fork mode, a bare name looked up on PATH) of a program PATH does not have: refused as a
// missing script is (exit 2, ERR_HIVE_SCRIPT_NOT_FOUND), not an app shown online while its spawn fails for ever.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a program that is not on PATH exits 2 with ERR_HIVE_SCRIPT_NOT_FOUND, and no app is added', async () => {
  const result = await hive.run(['start', 'hive-no-such-program']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /^hive start: ERR_HIVE_SCRIPT_NOT_FOUND: no file hive-no-such-program here and no program of that name on PATH/,
  );
  // Refused before the daemon is asked, as a missing script is: none was started for it.
  assert.equal(await hive.daemonPid(), undefined);
});

test('a program on PATH still starts in fork mode', async () => {
  const [app] = await hive.json<{ name: string; mode: string; status: string }[]>(['start', 'sleep', '--', '600']);
  assert.deepEqual([app!.name, app!.mode, app!.status], ['sleep', 'fork', 'online']);
  await hive.json(['delete', 'sleep']);
});
