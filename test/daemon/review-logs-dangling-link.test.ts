import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('an outFile that is a link to a file not there yet gets it created through the link, the link kept', async () => {
  const script = join(dir, 'tick.sh');
  writeFileSync(script, '#!/bin/sh\nn=0\nwhile true; do echo "tick $n"; n=$((n+1)); sleep 0.1; done\n', {
    mode: 0o755,
  });
  // `/var/log/app.log` -> `/data/logs/app.log`, the latter created by whoever writes it first.
  mkdirSync(join(dir, 'data'));
  const target = join(dir, 'data', 'app.log');
  const link = join(dir, 'app.log');
  symlinkSync(target, link);
  writeFileSync(
    join(dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [{ name: 'l', script: ${JSON.stringify(script)}, out_file: ${JSON.stringify(link)} }] };\n`,
  );
  await hive.json(['start', join(dir, 'ecosystem.config.cjs')]);
  await waitFor(() => /\[l:0\] tick \d+\n/.test(readOrEmpty(target)), 'the app lines in the link target');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), target);
  assert.equal(lstatSync(target).mode & 0o777, 0o600);
  assert.doesNotMatch(readOrEmpty(join(hive.home, 'daemon.log')), /ENOENT/);
});
