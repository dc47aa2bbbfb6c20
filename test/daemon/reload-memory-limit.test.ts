// `pm2 reload ecosystem.config.js` applies a changed `max_memory_restart`; so does `hive reload <file>` (and
// startOrReload) of a cluster app: its primary's memory guard checks every process against the file's new limit once
// the reload is done, a limit where there was none as well as none where there was one, and the daemon's spec keeps it
// (describe, save, a respawn). The reload's warning no longer names it; it still names the options a reload keeps.
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
writeFileSync(script, "require('node:http').createServer((req, res) => res.end('ok')).listen(process.env.PORT);\n");
// Reports every 200 ms: the memory guard checks each process as often. A Node.js process uses far more than 20M.
const config = (options: object) =>
  hive.writeConfig(
    [{ name: 'mem', script, instances: 1, port, memoryReportInterval: 200, ...options }],
    'ecosystem.config.js',
  );
const described = () => hive.json<Described>(['describe', 'mem']);
// What a reload left: the options its warnings name as kept (the app started with kill_timeout 3000, which a reload
// keeps), and the limit the daemon says the app runs with and would save. One object, so that a failure shows all.
const afterReload = async (stderr: string) => {
  const warned = stderr
    .split('\n')
    .filter((line) => line.includes('warning:'))
    .map((line) => /changes (.*?): `hive restart/.exec(line)?.[1] ?? line);
  return { warned, maxMemoryRestart: (await described()).settings.maxMemoryRestart, saved: await savedMemoryFlag() };
};
// The memory guard's event (or its first-check warning) of that process, naming the 20M limit, in daemon.log.
const overLimit = (pid: number) =>
  new RegExp(`mem: worker 0 \\(pid ${pid}\\) used [\\d.]+ MiB.*over its 20 MiB limit`).test(
    hive.readLog('../daemon.log'),
  );
const savedMemoryFlag = async () => {
  await hive.json(['save']);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as {
    apps: { name: string; runArgs: string[] }[];
  };
  const runArgs = dump.apps.find((app) => app.name === 'mem')!.runArgs;
  return runArgs.filter((arg) => arg.startsWith('--max-memory-restart='));
};

test('a reload of the file applies a new max_memory_restart, then its removal; the warning names only kept options', async () => {
  const file = config({ kill_timeout: 3000 });
  await hive.json(['start', file]);
  assert.equal((await described()).settings.maxMemoryRestart, null);

  // A limit where there was none, below what the app uses: the memory guard replaces its process.
  config({ kill_timeout: 4000, max_memory_restart: '20M' });
  const added = await hive.run(['reload', file]);
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(await afterReload(added.stderr), {
    warned: ['kill_timeout'],
    maxMemoryRestart: 20 * 1024 * 1024,
    saved: ['--max-memory-restart=20M'],
  });
  const reloaded = pidOf(await described(), 'worker');
  await waitFor(() => overLimit(reloaded), `worker ${reloaded} over the 20 MiB limit in daemon.log`);
  await waitFor(async () => {
    const app = await described();
    return app.restarts > 0 && pidOf(app, 'worker') !== reloaded;
  }, 'the memory guard replaced it');

  // The file drops the limit: the processes of the reload are not replaced again.
  config({ kill_timeout: 4000 });
  const dropped = await hive.run(['startOrReload', file]);
  assert.equal(dropped.code, 0, dropped.stderr);
  assert.deepEqual(await afterReload(dropped.stderr), { warned: ['kill_timeout'], maxMemoryRestart: null, saved: [] });
  const unlimited = pidOf(await described(), 'worker');
  const { restarts } = await described();
  // Ten checks (200 ms apart): under the old limit its first one (over it) would be said, and a replacement follow.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.equal(overLimit(unlimited), false, `worker ${unlimited} is not checked against a limit`);
  const app = await described();
  assert.equal(pidOf(app, 'worker'), unlimited);
  assert.equal(app.restarts, restarts);
});
