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

// The folder of its log files missing at the start: the log writer makes it, which the watcher saw as a change (`logs
// changed; reloading` right after the start, a fork-mode program stopped and started again).
test('the folder the log writer makes for its files in a watched folder is no change to reload on', async () => {
  const watched = join(hive.dir, 'fresh');
  mkdirSync(watched);
  const logger = join(hive.dir, 'talker.sh');
  writeFileSync(logger, '#!/bin/sh\nwhile true; do echo tick; sleep 0.2; done\n');
  chmodSync(logger, 0o755);
  const out = join(watched, 'logs', 'out.log');
  const config = hive.writeConfig(
    [{ name: 'f', script: logger, watch: [watched], watch_delay: 100, out_file: out }],
    'fresh.config.json',
  );
  await hive.json(['start', config]);
  await waitFor(() => readOrEmpty(out).split('\n').length > 4, 'lines in the log the folder was made for');
  const daemonLog = () => hive.readLog('../daemon.log');
  writeFileSync(join(watched, 'b.js'), '1');
  await waitFor(() => daemonLog().includes('f: b.js changed; reloading'), 'the reload for b.js');
  // The one change it reloaded on.
  assert.deepEqual(daemonLog().match(/f: \S+ changed; reloading/g), ['f: b.js changed; reloading']);
});

// HIVE_HOME inside the watched folder (`HIVE_HOME=./home hive start srv.js --watch`): each reload wrote daemon.log,
// which was the next change, for ever. The daemon's home (its log, dump, every app's logs) is no change.
test("the daemon's home in a watched folder is no change to reload on", async () => {
  const script = join(hive.dir, 'srv.cjs');
  writeFileSync(script, 'setInterval(() => {}, 1000);\n');
  // hive.dir holds the home (h/); app/ and fresh/ hold the logs of the apps above, which still run.
  const config = hive.writeConfig(
    [{ name: 'h', script, exec_mode: 'fork', watch: [hive.dir], ignore_watch: ['app', 'fresh'], watch_delay: 100 }],
    'home.config.json',
  );
  await hive.json(['start', config]);
  const daemonLog = () => hive.readLog('../daemon.log');
  writeFileSync(join(hive.dir, 'x.js'), '1');
  await waitFor(() => daemonLog().includes('h: x.js changed; reloading'), 'the reload for x.js');
  // Its lines in daemon.log were the next change (100 ms later) before the fix.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  writeFileSync(join(hive.dir, 'y.js'), '1');
  await waitFor(() => daemonLog().includes('h: y.js changed; reloading'), 'the reload for y.js');
  assert.deepEqual(daemonLog().match(/(?<=Z )h: \S+ changed; reloading/g), [
    'h: x.js changed; reloading',
    'h: y.js changed; reloading',
  ]);
});
