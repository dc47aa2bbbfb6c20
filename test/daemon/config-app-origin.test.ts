// A config file's start, restart or reload of an app of that name the daemon got elsewhere applies the file, as PM2
// does, and warns once on stderr (and in daemon.log) when another project's file takes the app over. The refusal of
// such a start (ERR_HIVE_APP_NAME_TAKEN) broke release-folder deploys (`cd releases/2 && hive startOrReload
// ecosystem.config.js` of an app from releases/1), a `cd` that left $PWD behind, and every app of an older dump; and
// a reload never recorded the new file, so it never healed.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { freePort } from '../ports.js';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';
import { requestOf } from './home-processes.js';

const hive = tempHome();
type App = { id: number; name: string; status: string; script: string; processes: { pid: number }[] };

function project(folder: string, script: string, file = 'ecosystem.config.js'): string {
  const dir = join(hive.dir, folder);
  mkdirSync(dir, { recursive: true });
  copyFileSync(daemonFixture('ticker.sh'), join(dir, script));
  return hive.writeConfig([{ name: 'api', script, interpreter: 'none', env: { FROM: folder } }], `${folder}/${file}`);
}

const svc = project('svc', 'server.sh');
const other = project('other', 'worker.sh', 'collide.config.js');
// The apps a `--json` command printed last (its warnings are on stderr all the same: cli/daemon-warning.ts).
const printed = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as App[];
// How many times daemon.log has `line`: each command that warns must add its own.
const count = (text: string, line: string) => text.split(line).length - 1;
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('warning:'));
const daemonLog = () => readFileSync(join(hive.home, 'daemon.log'), 'utf8');
// What a reload by `file` of an app that runs `runs` (in `folder`) adds: the reload keeps it (symlink-release.test.ts).
const kept = (command: string, file: string, folder: string, runs: string, named: string) =>
  `hive ${command}: warning: app "api" reloads with the script it started with, ${join(hive.dir, folder, runs)} in ` +
  `${join(hive.dir, folder)} (a reload keeps it, as PM2's does); ${file} names ${join(dirname(file), named)} in ` +
  `${dirname(file)}: \`hive startOrRestart ${file}\` runs that`;
const reloads = (command: string) => command === 'reload' || command === 'startOrReload';
// The daemon's own `save` request (what `hive save` sends), on a connection of the test's: a CLI run for each of these
// looks at the dump proved no more.
const savedFiles = async () => {
  await requestOf(hive.home, 'save');
  return (JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as { configFiles: Record<string, string> })
    .configFiles;
};
// `hive delete <app>` between the tests, `hive save` and `hive kill` (and its wait for the daemon's exit) before a
// resurrect: the daemon's requests, on the test's connections, where what the command prints is not what is checked.
const deleted = (target: string) => requestOf(hive.home, 'delete', { target });
const killed = async () => {
  const { pid } = await requestOf<{ pid: number }>(hive.home, 'kill');
  await waitFor(() => !isAlive(pid), 'the daemon to exit');
};

test("another project's file naming an app applies, with one warning naming the app and both files", async () => {
  const commands = ['start', 'restart', 'startOrReload', 'startOrRestart', 'reload'];
  // In the app's line format, so that `hive logs api` shows it among the app's daemon lines.
  const line = `api: warning: app "api" came from ${svc}; ${other} now defines it`;
  for (const [done, command] of commands.entries()) {
    await hive.json(['start', svc]);
    // --json: its listing is the app's state after it (the `again` run below is the plain one).
    const result = await hive.run([command, other, '--json']);
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    // A reload also says it runs on the script it started with.
    const keptLines = reloads(command) ? [kept(command, other, 'svc', 'server.sh', 'worker.sh')] : [];
    assert.deepEqual(
      warnings(result.stderr),
      [...keptLines, `hive ${command}: warning: app "api" came from ${svc}; ${other} now defines it`],
      command,
    );
    // This command's own line: the commands before wrote the same.
    assert.equal(count(daemonLog(), line), done + 1, command);
    // A reload keeps the running script until a restart; a start or restart of the file runs the file's.
    const now = printed(result.stdout).find((app) => app.name === 'api')!;
    assert.deepEqual([now.status, now.script], ['online', reloads(command) ? 'server.sh' : 'worker.sh'], command);
    // The file that took it over is its origin now: the same file again takes nothing over (a reload still keeps
    // the script it started with, and says so again).
    assert.equal((await savedFiles()).api, other, command);
    const again = await hive.run([command, other]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(warnings(again.stderr), keptLines, `${command} again`);
  }
  // One `hive logs` for all the commands: the app's hive stream has each one's line (and none of a run again).
  const logs = await hive.run(['logs', 'api', '--lines', '1000', '--json']);
  assert.equal(logs.code, 0, logs.stderr);
  const records = logs.stdout
    .split('\n')
    .filter(Boolean)
    .map((record) => JSON.parse(record) as { app: string; stream: string; line: string })
    .filter((record) => record.app === 'api' && record.stream === 'hive' && record.line.endsWith(` ${line}`));
  assert.equal(records.length, commands.length, logs.stdout);
  await deleted('api');
});

test('a release-folder deploy (releases/1, then releases/2) is the same project moved: no takeover warning', async () => {
  const first = project('releases/1', 'server.sh');
  const second = project('releases/2', 'server.sh');
  const started = await hive.run(['start', 'ecosystem.config.js'], { cwd: join(hive.dir, 'releases/1') });
  assert.equal(started.code, 0, started.stderr);
  let restarted: App[] = [];
  for (const command of ['startOrReload', 'startOrRestart', 'reload', 'start']) {
    // A tool that changed folder without updating $PWD: the file is named by the real folder then.
    const result = await hive.run([command, 'ecosystem.config.js'], {
      cwd: join(hive.dir, 'releases/2'),
      env: { PWD: join(hive.dir, 'releases/1') },
    });
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    // Only a reload's: it keeps releases/1's script, which the start and restart replace.
    const keptLines = reloads(command) ? [kept(command, second, 'releases/1', 'server.sh', 'server.sh')] : [];
    assert.deepEqual(warnings(result.stderr), keptLines, command);
    assert.equal((await savedFiles()).api, second, command);
    // Its listing is the app's state after it: the last one's is checked below.
    restarted = await hive.json<App[]>(['start', first]);
  }
  assert.equal(restarted.find((app) => app.name === 'api')!.status, 'online');
  await deleted('api');
});

test('an app of an older dump (no config file recorded) is taken by its file silently, and records it', async () => {
  await hive.json(['start', svc]);
  await requestOf(hive.home, 'save');
  const dumpFile = join(hive.home, 'dump.json');
  const dump = JSON.parse(readFileSync(dumpFile, 'utf8')) as Record<string, unknown>;
  delete dump.configFiles;
  writeFileSync(dumpFile, JSON.stringify(dump));
  await killed();
  await hive.json(['resurrect']);
  assert.equal((await savedFiles()).api, undefined);
  const reloaded = await hive.run(['startOrReload', svc]);
  assert.equal(reloaded.code, 0, reloaded.stderr);
  assert.deepEqual(warnings(reloaded.stderr), []);
  assert.equal((await savedFiles()).api, svc, 'the reload recorded the file');
  await deleted('api');
});

test("a script's app taken by a file of another script is warned about, naming the script and its folder", async () => {
  const script = join(hive.dir, 'svc', 'server.sh');
  await hive.json(['start', script, '--name', 'api', '--interpreter', 'none'], { cwd: join(hive.dir, 'svc') });
  const same = await hive.run(['start', svc]);
  assert.deepEqual(warnings(same.stderr), [], 'the same script: no news');
  await deleted('api');
  await hive.json(['start', script, '--name', 'api', '--interpreter', 'none'], { cwd: join(hive.dir, 'svc') });
  // --json: its listing is the app's state after it.
  const taken = await hive.run(['start', other, '--json']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.deepEqual(warnings(taken.stderr), [
    `hive start: warning: app "api" ran ${script} in ${join(hive.dir, 'svc')}; ${other} now defines it`,
  ]);
  assert.equal(printed(taken.stdout).find((app) => app.name === 'api')!.script, 'worker.sh');
  await deleted('api');
});

// `pm2 reload ecosystem.config.js`, the usual PM2 deploy step, applies args, node_args, max_memory_restart, kill_timeout
// and listen_timeout; a reload applies them too, and keeps the other `hive run` arguments the primary was forked with,
// so it says so, by the file's names.
test('a reload that keeps options the file changes names each, as the file spells it, and points to a restart', async () => {
  const port = await freePort();
  const web = (options: object) =>
    hive.writeConfig([{ name: 'web', script: appFixture, instances: 1, port, ...options }], 'web/ecosystem.config.js');
  mkdirSync(join(hive.dir, 'web'), { recursive: true });
  const file = web({});
  // Each command's --json listing gives the app's processes after it.
  const processes = (apps: App[]) => apps.find((one) => one.name === 'web')!.processes.length;
  const started = processes(await hive.json<App[]>(['start', file]));
  web({
    instances: 2,
    args: '--a 1',
    node_args: '--max-old-space-size=200',
    max_memory_restart: '250M',
    kill_timeout: 3000,
    min_uptime: 3000,
  });
  // args, node_args (reload-args.test.ts), max_memory_restart and kill_timeout (reload-memory-limit.test.ts) it
  // applies: not named.
  const changed = 'instances, min_uptime';
  const keptOptions = (command: string) =>
    `hive ${command}: warning: app "web" reloads with the options it started with (its primary keeps them until a ` +
    `restart); ${file} changes ${changed}: \`hive restart ${file}\` or \`hive startOrRestart ${file}\` applies ` +
    'them (`hive scale web <n>` changes instances without a restart)';
  for (const command of ['reload', 'startOrReload']) {
    const result = await hive.run([command, file, '--json']);
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    assert.deepEqual(warnings(result.stderr), [keptOptions(command)], command);
    assert.equal(processes(printed(result.stdout)), started, `${command} kept the instances`);
  }
  // A restart of the file applies them: its reload has nothing more to say.
  assert.ok(processes(await hive.json<App[]>(['restart', file])) > started, 'the restart applied instances: 2');
  const after = await hive.run(['reload', file]);
  assert.equal(after.code, 0, after.stderr);
  assert.deepEqual(warnings(after.stderr), []);
  await deleted('web');
});

test('a Hive config is named in its own keys; an option the file dropped is one it changes', async () => {
  mkdirSync(join(hive.dir, 'web2'), { recursive: true });
  const port = await freePort();
  const web2 = (options: object) =>
    hive.writeConfig([{ name: 'web2', script: appFixture, instances: 1, port, ...options }], 'web2/hive.config.json');
  const file = web2({ minUptime: '3s' });
  await hive.json(['start', file]);
  web2({ nodeArgs: '--max-old-space-size=200' });
  const result = await hive.run(['reload', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(warnings(result.stderr), [
    'hive reload: warning: app "web2" reloads with the options it started with (its primary keeps them until a ' +
      `restart); ${file} changes minUptime: \`hive restart ${file}\` or ` +
      `\`hive startOrRestart ${file}\` applies it`,
  ]);
  await deleted('web2');
});

test('the origin survives save and resurrect, and a symlinked folder counts as the path it was named by', async () => {
  const current = join(hive.dir, 'current');
  symlinkSync(join(hive.dir, 'svc'), current);
  // As a shell sets it after `cd current`: the deploy idiom `cd current && hive startOrReload ecosystem.config.js`.
  await hive.json(['start', 'ecosystem.config.js'], { cwd: current, env: { PWD: current } });
  await requestOf(hive.home, 'save');
  await killed();
  await hive.json(['resurrect']);
  assert.equal((await savedFiles()).api, join(current, 'ecosystem.config.js'));
  const taken = await hive.run(['start', other]);
  assert.deepEqual(warnings(taken.stderr), [
    `hive start: warning: app "api" came from ${join(current, 'ecosystem.config.js')}; ${other} now defines it`,
  ]);
});
