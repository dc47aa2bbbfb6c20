// The daemon's writer of an app's log file fell behind its own reading of the app's output whenever the disk was
// slower than the app (a machine whose cores are all busy): nothing paused that reading, so the app was never held
// and the writer's bound (16 MiB waiting) dropped lines, where `hive run > file` drops none. The daemon now stops
// reading an app's primary while its files' writers are behind, which holds the app on its own stdout, and reads on as
// they catch up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// About 32 MiB of lines: twice the writer's bound, which a daemon reading on regardless would drop part of.
const LINES = 32_000;

test('an app that logs faster than the disk takes its lines waits for the disk: every line is in the file once', async () => {
  const slowDisk = join(hive.dir, 'slow-disk');
  execFileSync('mkfifo', [slowDisk]);
  const go = join(hive.dir, 'go');
  const config = hive.writeConfig([
    {
      name: 'flood',
      script: daemonFixture('flood-on-go.cjs'),
      env: { FLOOD_LINES: String(LINES), FLOOD_GO: go, FLOOD_WIDTH: '1000' },
      autorestart: false,
      logRotation: { maxSize: '1G' },
    },
  ]);
  // The daemon this starts is the slow disk's (the fixture acts in the daemon only).
  await hive.json(['start', config], {
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${daemonFixture('slow-disk.cjs')}`,
      UV_THREADPOOL_SIZE: '1',
      HIVE_TEST_SLOW_DISK: slowDisk,
    },
  });
  const out = join(hive.home, 'logs', 'flood-out.log');
  writeFileSync(go, '');
  // Its last line, or a mark of lines dropped at the end (`flood done` among them).
  await waitFor(
    () => /(flood done|dropped here[^\n]*)\n$/.test(readOrEmpty(out).slice(-300)),
    'the end of the flood in the file',
    180_000,
  );
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.deepEqual(
    lines.filter((line) => line.includes('dropped here')),
    [],
  );
  const numbers = lines.flatMap((line) => {
    const match = /(\d+) z+$/.exec(line);
    return match ? [Number(match[1])] : [];
  });
  assert.equal(numbers.length, LINES);
  assert.ok(
    numbers.every((n, i) => n === i),
    'every line once, in order',
  );
});
