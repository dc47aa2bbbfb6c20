// `hive logs --lines N` reads the last N lines of a log from its end: a log of 520 MiB (sparse here: it costs no disk)
// printed its last lines only after reading all of it into memory, and past V8's longest string (512 MiB) it failed
// (`Cannot create a string longer than 0x1fffffe8 characters`), even with `--lines 0`.
import assert from 'node:assert/strict';
import { appendFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('hive logs --lines prints the last lines of a log larger than the longest string', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'big', '--', 'hello']);
  await waitFor(() => /ticker 0 started hello/.test(hive.readLog('big-out.log')), 'the out log');
  await hive.json(['stop', 'big']);
  const out = join(hive.home, 'logs', 'big-out.log');
  truncateSync(out, 520 * 1024 * 1024);
  appendFileSync(out, '\n[big:0] one\n[big:0] two\n[big:0] three\n[big:0] unfinished');
  const result = await hive.run(['logs', 'big', '--out', '--lines', '3']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\n').slice(1, -1), ['[big:0] two', '[big:0] three', '[big:0] unfinished']);
  const none = await hive.run(['logs', 'big', '--out', '--lines', '0']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, '');
});
