import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('--watch: an app whose start failed is started again when a watched file changes (the fix)', async () => {
  const dir = join(hive.home, '..', 'src');
  mkdirSync(dir);
  const versionFile = join(dir, 'version');
  writeFileSync(versionFile, 'broken');
  const args = ['start', appFixture, '-i', '1', '--name', 'w', `--watch=${dir}`];
  const failed = await hive.run([...args, '--env', `APP_VERSION_FILE=${versionFile}`]);
  assert.equal(failed.code, 1, failed.stderr);
  assert.equal((await hive.json<{ status: string }>(['describe', 'w'])).status, 'errored');

  writeFileSync(versionFile, 'v2');
  await waitFor(async () => (await hive.json<{ status: string }>(['describe', 'w'])).status === 'online', 'online');
  await waitFor(() => /\[w:0\] listening \d+ v2/.test(hive.readLog('w-out.log')), 'the fixed version serving');
});
