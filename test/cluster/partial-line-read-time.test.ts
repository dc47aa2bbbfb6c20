// A line passed on unfinished (the app quiet for PARTIAL_LINE_DELAY) was stamped when it was passed on, not when the
// primary read it: 150 ms late, after lines the app wrote later on its other stream. Its `time` is its read time.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type HiveRecord, killAll, startHive, tempDir } from './helpers.js';

after(killAll);

// `B1` without its newline, a whole stderr line 50 ms later, the newline (`\r\n`) 300 ms after that.
const partialThenStderr = `process.stdout.write('B1');
setTimeout(() => console.error('E1'), 50);
setTimeout(() => process.stdout.write('\\r\\n'), 350);
setInterval(() => {}, 1_000);
`;

test('hive run --log-format json: a partial line is stamped when it was read, before a later stderr line', async () => {
  const script = join(tempDir('hive-partial-time-'), 'partial.cjs');
  writeFileSync(script, partialThenStderr);
  const hive = startHive([script, '-i', '1']);
  const isLog = (line: string) => (r: HiveRecord) => r.kind === 'log' && r.line === line;
  const partial = await hive.waitFor(isLog('B1'), 'the partial line');
  const stderr = await hive.waitFor(isLog('E1'), 'the stderr line');
  hive.kill();
  await hive.exited;
  assert.ok(
    Date.parse(String(partial.time)) <= Date.parse(String(stderr.time)),
    `B1 at ${partial.time}, written before E1 at ${stderr.time}`,
  );
  // Its `\r\n` only ended it: no empty line.
  assert.equal(hive.records.filter((r) => r.kind === 'log' && r.line === '').length, 0);
});
