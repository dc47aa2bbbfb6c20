// An app whose log files are in a folder it watches (a config's `out_file: './logs/out.log'` with `watch: true`):
// each line it logs would change a watched file and reload it, again and again, as node --watch never does. The
// watcher leaves the app's own log files out, their rotated copies and rotating-file-stream's list of those
// (`<log>.txt`); a change of any other file still reloads it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("a watched folder's changes reload the app, its own log files' lines do not", async () => {
  const watched = join(hive.dir, 'app');
  mkdirSync(join(watched, 'logs'), { recursive: true });
  const logger = join(hive.dir, 'logger.sh');
  // Lines of about 200 bytes, so that a 1 KiB log rotates every few of them.
  writeFileSync(logger, `#!/bin/sh\nwhile true; do echo tick${'k'.repeat(200)}; echo tock >&2; sleep 0.3; done\n`);
  chmodSync(logger, 0o755);
  const out = join(watched, 'logs', 'out.log');
  const err = join(watched, 'logs', 'err.log');
  const config = hive.writeConfig([
    { name: 'w', script: logger, watch: [watched], watch_delay: 100, out_file: out, error_file: err },
  ]);
  const env = { HIVE_LOG_MAX_SIZE: '1K', HIVE_LOG_RETAIN: '3' };
  await hive.json(['start', config], { env });
  const lines = (file: string) => readOrEmpty(file).split('\n').length - 1;
  // Each line a change of a watched file, seen (before the fix) a tenth of a second later.
  await waitFor(() => lines(err) >= 4, 'four lines in the error log');
  await waitFor(
    () => readdirSync(join(watched, 'logs')).filter((name) => name.startsWith('out__')).length >= 2,
    'two rotations of the out log',
  );
  const daemonLog = () => hive.readLog('../daemon.log');
  writeFileSync(join(watched, 'a.js'), '1');
  await waitFor(() => daemonLog().includes('w: a.js changed; reloading'), 'the reload for a.js');
  assert.doesNotMatch(daemonLog(), /w: \S*(out|err)\S* changed/);
});
