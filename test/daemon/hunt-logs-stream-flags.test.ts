import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('hive logs --out and --err print one of the two logs, as PM2 does', async () => {
  const script = join(dir, 'both.sh');
  writeFileSync(script, '#!/bin/sh\necho to-out\necho to-err >&2\nexec sleep 1000\n', { mode: 0o755 });
  await hive.json(['start', script, '--name', 'b']);
  await waitFor(() => hive.readLog('b-error.log').includes('to-err'), 'the error line');
  await waitFor(() => hive.readLog('b-out.log').includes('to-out'), 'the out line');
  const streams = async (flags: string[]) => {
    const result = await hive.run(['logs', 'b', '--json', ...flags]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stream: string; line: string })
      .map((entry) => `${entry.stream} ${entry.line}`);
  };
  assert.deepEqual(await streams(['--out']), ['out [b:0] to-out']);
  assert.deepEqual(await streams(['--err']), ['err [b:0] to-err']);
  // Neither (or both): both logs, and the daemon's lines about the app, which one log asked for leaves out.
  const both = await streams([]);
  assert.deepEqual(
    both.filter((line) => !line.startsWith('hive ')),
    ['out [b:0] to-out', 'err [b:0] to-err'],
  );
  assert.ok(
    both.some((line) => /b: primary pid \d+ started$/.test(line)),
    both.join('\n'),
  );
});

test('hive logs --err prints an error log that is the out log too (-o F -e F), as --out does', async () => {
  const script = join(dir, 'shared.sh');
  const log = join(dir, 'shared.log');
  writeFileSync(script, '#!/bin/sh\necho to-out\necho to-err >&2\nexec sleep 1000\n', { mode: 0o755 });
  await hive.json(['start', script, '--name', 's', '-o', log, '-e', log]);
  await waitFor(
    () => existsSync(log) && /to-out[\s\S]*to-err|to-err[\s\S]*to-out/.test(readFileSync(log, 'utf8')),
    'both lines in the one file',
  );
  const lines = async (flags: string[]) => {
    const result = await hive.run(['logs', 's', '--json', '--app-only', ...flags]);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { stream: string; line: string })
      .map((entry) => `${entry.stream} ${entry.line}`)
      .sort();
  };
  // Printed once whichever way it is asked for: as the error log under --err, else as out.
  assert.deepEqual(await lines(['--err']), ['err [s:0] to-err', 'err [s:0] to-out']);
  assert.deepEqual(await lines(['--out']), ['out [s:0] to-err', 'out [s:0] to-out']);
  assert.deepEqual(await lines([]), ['out [s:0] to-err', 'out [s:0] to-out']);
});
