// An app whose log files are in a folder it watches (a config's `out_file: './logs/out.log'` with `watch: true`):
// each line it logs would change a watched file and reload it, again and again, as node --watch never does. The
// watcher leaves the app's own log files out; a change of any other file still reloads it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test("a watched folder's changes reload the app, its own log files' lines do not", async () => {
  const watched = join(hive.dir, 'app');
  mkdirSync(join(watched, 'logs'), { recursive: true });
  const logger = join(hive.dir, 'logger.sh');
  writeFileSync(logger, '#!/bin/sh\nwhile true; do echo tick; echo tock >&2; sleep 0.3; done\n');
  chmodSync(logger, 0o755);
  const out = join(watched, 'logs', 'out.log');
  const err = join(watched, 'logs', 'err.log');
  const config = hive.writeConfig([
    { name: 'w', script: logger, watch: [watched], watch_delay: 100, out_file: out, error_file: err },
  ]);
  await hive.json(['start', config]);
  const lines = (file: string) => readOrEmpty(file).split('\n').length - 1;
  // Each line a change of a watched file, seen (before the fix) a tenth of a second later.
  await waitFor(() => lines(out) >= 4 && lines(err) >= 4, 'four lines in each log file');
  const daemonLog = () => hive.readLog('../daemon.log');
  writeFileSync(join(watched, 'a.js'), '1');
  await waitFor(() => daemonLog().includes('w: a.js changed; reloading'), 'the reload for a.js');
  assert.doesNotMatch(daemonLog(), /w: \S*(out|err)\.log changed/);
});
