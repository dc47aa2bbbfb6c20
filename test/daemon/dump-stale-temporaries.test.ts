// A daemon killed mid-save (SIGKILL, the OOM killer) leaves its `dump.json.<pid>.<n>.tmp`, which holds every app's env
// values and which nothing renames: the next save removes it, and only such files of pids no longer running.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

test('a save removes the dump temporaries of dead pids and leaves every other file', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  const dead = spawnSync('true').pid;
  const stale = `dump.json.${dead}.3.tmp`;
  const kept = [
    // This test's own process runs: a save of another daemon sharing the file could be under way.
    `dump.json.${process.pid}.1.tmp`,
    `dump.json.${dead}.tmp`,
    `dump.json.${dead}.1.tmp.bak`,
    `other.json.${dead}.1.tmp`,
  ];
  for (const name of [stale, ...kept]) writeFileSync(join(hive.home, name), '{}');
  await hive.json(['save']);
  const left = readdirSync(hive.home).filter((name) => name.includes('.json'));
  assert.deepEqual(left.sort(), ['dump.json', ...kept].sort());
  await hive.json(['delete', 'tick']);
});
