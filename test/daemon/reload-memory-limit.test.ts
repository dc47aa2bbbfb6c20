// `pm2 reload ecosystem.config.js` applies a changed `max_memory_restart`; so does `hive reload <file>` (and
// startOrReload) of a cluster app: its primary's memory guard checks every process against the file's new limit once
// the reload is done, a limit where there was none as well as none where there was one, and the daemon's spec keeps it
// (describe, save, a respawn). The reload's warning no longer names it; it still names the options a reload keeps.
// A changed `kill_timeout` and `listen_timeout` are applied too, to the reload itself: its replacements get the new
// listen timeout to become ready in, the processes it retires drain under the new kill timeout.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../ports.js';
import { type Described, pidOf, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
// Fixed for the file: every reload keeps it.
const port = await freePort();
const script = join(hive.dir, 'serve.js');
// Listens after the ms the `delay` file beside it says, if any: code that got slower to start.
const delayFile = join(hive.dir, 'delay');
writeFileSync(
  script,
  "const fs = require('node:fs');\n" +
    `const delay = fs.existsSync(${JSON.stringify(delayFile)}) ? Number(fs.readFileSync(${JSON.stringify(delayFile)}, 'utf8')) : 0;\n` +
    "setTimeout(() => require('node:http').createServer((req, res) => res.end('ok')).listen(process.env.PORT), delay);\n",
);
// Reports every 200 ms: the memory guard checks each process as often. A Node.js process uses far more than 20M.
const config = (options: object) =>
  hive.writeConfig(
    [{ name: 'mem', script, instances: 1, port, memoryReportInterval: 200, ...options }],
    'ecosystem.config.js',
  );
const described = () => hive.json<Described>(['describe', 'mem']);
// What a reload left: the options its warnings name as kept (the app started with instances 1, which a reload keeps),
// and the limit and timeouts the daemon says the app runs with and would save. One object, so that a failure shows all.
const afterReload = async (stderr: string) => {
  const warned = stderr
    .split('\n')
    .filter((line) => line.includes('warning:'))
    .map((line) => /changes (.*?): `hive restart/.exec(line)?.[1] ?? line);
  const { maxMemoryRestart, killTimeout, listenTimeout } = (await described()).settings;
  return { warned, maxMemoryRestart, killTimeout, listenTimeout, saved: await savedFlags() };
};
// The memory guard's event (or its first-check warning) of that process, naming the 20M limit, in daemon.log.
const overLimit = (pid: number) =>
  new RegExp(`mem: worker 0 \\(pid ${pid}\\) used [\\d.]+ MiB.*over its 20 MiB limit`).test(
    hive.readLog('../daemon.log'),
  );
const savedFlags = async () => {
  await hive.json(['save']);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as {
    apps: { name: string; runArgs: string[] }[];
  };
  const runArgs = dump.apps.find((app) => app.name === 'mem')!.runArgs;
  return runArgs.filter((arg) => /^--(max-memory-restart|kill-timeout|listen-timeout)=/.test(arg)).sort();
};

test('a reload of the file applies a new max_memory_restart, then its removal, and new timeouts; the warning names only kept options', async () => {
  const file = config({ kill_timeout: 3000, listen_timeout: 3000 });
  await hive.json(['start', file]);
  assert.equal((await described()).settings.maxMemoryRestart, null);

  // A limit where there was none, below what the app uses: the memory guard replaces its process.
  config({ kill_timeout: 4000, listen_timeout: 3000, max_memory_restart: '20M', instances: 2 });
  const added = await hive.run(['reload', file]);
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(await afterReload(added.stderr), {
    warned: ['instances'],
    maxMemoryRestart: 20 * 1024 * 1024,
    killTimeout: 4000,
    listenTimeout: 3000,
    saved: ['--kill-timeout=4000', '--listen-timeout=3000', '--max-memory-restart=20M'],
  });
  const reloaded = pidOf(await described(), 'worker');
  await waitFor(() => overLimit(reloaded), `worker ${reloaded} over the 20 MiB limit in daemon.log`);
  await waitFor(async () => {
    const app = await described();
    return app.restarts > 0 && pidOf(app, 'worker') !== reloaded;
  }, 'the memory guard replaced it');

  // The file drops the limit: the processes of the reload are not replaced again.
  config({ kill_timeout: 4000, listen_timeout: 3000, instances: 2 });
  const dropped = await hive.run(['startOrReload', file]);
  assert.equal(dropped.code, 0, dropped.stderr);
  assert.deepEqual(await afterReload(dropped.stderr), {
    warned: ['instances'],
    maxMemoryRestart: null,
    killTimeout: 4000,
    listenTimeout: 3000,
    saved: ['--kill-timeout=4000', '--listen-timeout=3000'],
  });
  const unlimited = pidOf(await described(), 'worker');
  const { restarts } = await described();
  // Ten checks (200 ms apart): under the old limit its first one (over it) would be said, and a replacement follow.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.equal(overLimit(unlimited), false, `worker ${unlimited} is not checked against a limit`);
  const app = await described();
  assert.equal(pidOf(app, 'worker'), unlimited);
  assert.equal(app.restarts, restarts);

  // New code that takes longer to listen than the old listen_timeout, and a file that allows it: the reload's
  // replacement gets the new one (under the old, it was killed at 3 s and the reload aborted).
  writeFileSync(delayFile, '3500');
  config({ kill_timeout: 2000, listen_timeout: '1m', instances: 2 });
  const slower = await hive.run(['reload', file]);
  assert.equal(slower.code, 0, slower.stderr);
  assert.deepEqual(await afterReload(slower.stderr), {
    warned: ['instances'],
    maxMemoryRestart: null,
    killTimeout: 2000,
    listenTimeout: 60_000,
    saved: ['--kill-timeout=2000', '--listen-timeout=1m'],
  });
  assert.notEqual(pidOf(await described(), 'worker'), unlimited);
});
