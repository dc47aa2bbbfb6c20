import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('a line longer than 64 KiB reaches the log file as prefixed text, not as pieces of the JSON record', async () => {
  const script = join(dir, 'long.sh');
  // 100 000 quotes: the primary passes them on in pieces of 64 Ki, each in a record twice as long (`\"`).
  writeFileSync(script, "#!/bin/sh\nhead -c 100000 /dev/zero | tr '\\0' '\"'\necho\necho done\nexec sleep 1000\n", {
    mode: 0o755,
  });
  await hive.json(['start', script, '--name', 'long']);
  await waitFor(() => hive.readLog('long-out.log').includes('] done\n'), 'the line after the long one');
  const log = hive.readLog('long-out.log');
  const lines = log.split('\n').filter(Boolean);
  for (const line of lines) {
    assert.match(line.slice(0, 40), /^\[long:0\] /, `a line that is not the app's: ${line.slice(0, 120)}`);
  }
  const written = lines.map((line) => line.replace(/^\[long:0\] /, '')).filter((line) => line !== 'done');
  assert.equal(written.join(''), '"'.repeat(100_000));
});
