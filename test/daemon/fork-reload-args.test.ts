// `pm2 reload <file>` applies a changed `args`, `node_args`, `max_memory_restart` and timeouts in fork mode too
// (PM2's default for a file without exec_mode and instances); so does `hive reload <file>` (and startOrReload): a
// fork-mode reload restarts each process anyway, and its primary spawns the restarted one with the file's new
// arguments, node's flags or the interpreter's before the script, and guards it with the new limit. The daemon's spec
// (describe, save) keeps them, so a later restart runs them too; the reload's warning no longer names them.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forkArgv, forkWithRunArgs } from '../../dist/daemon/fork-argv.js';
import { type Described, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// Each process writes what it was spawned with to <pid>.txt: node's flags (but the --require Hive adds) and the
// script's arguments; bash its own command line, whose flags are the interpreter's args. Then each stays up.
const js = join(hive.dir, 'argv.js');
writeFileSync(
  js,
  `const execArgv = process.execArgv.filter((arg, i, all) => arg !== '--require' && all[i - 1] !== '--require');
require('node:fs').writeFileSync(__dirname + '/' + process.pid + '.txt', [...execArgv, '|', ...process.argv.slice(2)].join(' '));
setInterval(() => {}, 1 << 30);
`,
);
const sh = join(hive.dir, 'argv.sh');
writeFileSync(sh, `tr '\\0' ' ' < /proc/$$/cmdline > "${hive.dir}/$$.txt"\nexec sleep 600\n`);
// Neither has exec_mode: `js` runs in fork mode as PM2 runs a file's app without instances, `sh` (two instances) as
// PM2 runs a shell script.
const config = (jsApp: object, shApp: object) =>
  hive.writeConfig(
    [
      { name: 'js', script: js, ...jsApp },
      { name: 'sh', script: sh, instances: 2, ...shApp },
    ],
    'ecosystem.config.js',
  );
const described = (name: string) => hive.json<Described>(['describe', name]);
const pids = async (name: string) =>
  (await described(name)).processes.filter((p) => p.role === 'worker').map((p) => p.pid);
const startedWith = (pid: number) =>
  waitFor(() => {
    try {
      return readFileSync(join(hive.dir, `${pid}.txt`), 'utf8').trim();
    } catch {
      return undefined;
    }
  }, `${pid}.txt`);
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('warning:'));
const saved = async (name: string) => {
  await hive.json(['save']);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as {
    apps: { name: string; runArgs: string[]; fork: { args: string[] } }[];
  };
  const { runArgs, fork } = dump.apps.find((app) => app.name === name)!;
  const own = runArgs.slice(0, runArgs.indexOf('--'));
  return {
    flags: own.filter((arg) => /^--(node-args|max-memory-restart)=/.test(arg)),
    args: runArgs.slice(own.length + 1),
    forkArgs: fork.args,
  };
};

test("a fork-mode app's reload runs the file's new args, node_args and max_memory_restart, and the spec keeps them", async () => {
  const file = config({ args: '--v 1', node_args: '--max-old-space-size=100' }, { args: 'a 1', node_args: '-u' });
  await hive.json(['start', file]);
  assert.equal((await described('js')).mode, 'fork');
  const [jsPid] = await pids('js');
  assert.equal(await startedWith(jsPid!), '--max-old-space-size=100 | --v 1');
  const shPids = await pids('sh');
  assert.equal(shPids.length, 2);
  for (const pid of shPids) assert.equal(await startedWith(pid), `bash -u ${sh} a 1`);

  // A limit far below what node uses: the memory guard replaces the reloaded process.
  config(
    { args: '--v 2', node_args: '--max-old-space-size=120 --stack-size=900', max_memory_restart: '1M' },
    { args: 'b 2', node_args: '-e' },
  );
  const result = await hive.run(['reload', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(warnings(result.stderr), [], 'the reload applies them: nothing kept to warn of');
  const [reloaded] = await pids('js');
  assert.notEqual(reloaded, jsPid);
  assert.equal(await startedWith(reloaded!), '--max-old-space-size=120 --stack-size=900 | --v 2');
  for (const pid of await pids('sh')) {
    assert.ok(!shPids.includes(pid), `${pid} is a replacement`);
    assert.equal(await startedWith(pid), `bash -e ${sh} b 2`);
  }
  const settings = (await described('js')).settings;
  assert.deepEqual(
    { args: settings.args, nodeArgs: settings.nodeArgs, maxMemoryRestart: settings.maxMemoryRestart },
    { args: ['--v', '2'], nodeArgs: ['--max-old-space-size=120', '--stack-size=900'], maxMemoryRestart: 1024 * 1024 },
  );
  assert.deepEqual(await saved('js'), {
    flags: ['--node-args=--max-old-space-size=120 --stack-size=900', '--max-memory-restart=1M'],
    args: ['--v', '2'],
    forkArgs: ['--max-old-space-size=120', '--stack-size=900', js, '--v', '2'],
  });

  // The new limit holds: the reloaded process is replaced, with the new arguments still.
  const restarted = await waitFor(async () => {
    const [pid] = await pids('js');
    return pid !== undefined && pid !== reloaded ? pid : undefined;
  }, 'the memory guard replaced the reloaded process');
  assert.match(hive.readLog('../daemon.log'), new RegExp(`js: .*pid ${reloaded}\\b.*1 MiB`));
  assert.equal(await startedWith(restarted), '--max-old-space-size=120 --stack-size=900 | --v 2');

  // startOrReload too; an interpreter's flags gone are gone from its command line.
  config({ args: '--v 2' }, { args: 'c 3' });
  const again = await hive.run(['startOrReload', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(warnings(again.stderr), []);
  for (const pid of await pids('sh')) assert.equal(await startedWith(pid), `bash ${sh} c 3`);
  assert.deepEqual(await saved('sh'), { flags: [], args: ['c', '3'], forkArgs: [sh, 'c', '3'] });
  assert.equal((await described('js')).settings.maxMemoryRestart, null);

  // With no limit left the guard stops at its next check (a second's tick); a reload that brings one starts it again.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const [unlimited] = await pids('js');
  config({ args: '--v 2', max_memory_restart: '1M' }, { args: 'c 3' });
  assert.equal((await hive.run(['reload', file])).code, 0);
  const [limited] = await pids('js');
  assert.notEqual(limited, unlimited);
  await waitFor(async () => {
    const [pid] = await pids('js');
    return pid !== undefined && pid !== limited ? pid : undefined;
  }, 'the memory guard, started again, replaced the process');
});

test("the places of a fork's node args and script arguments: after Hive's tsx loader, none for a program run as itself", () => {
  const runArgs = (nodeArgs: string, ...args: string[]) => [
    'a.ts',
    '--instances=1',
    `--node-args=${nodeArgs}`,
    '--',
    ...args,
  ];
  const tsx = { command: '/usr/bin/node', args: ['--import', 'file:///tsx/x.mjs', '--a', '/app/a.ts', 'v1'] };
  assert.deepEqual(forkArgv(tsx, runArgs('--a', 'v1')), {
    lead: ['--import', 'file:///tsx/x.mjs'],
    nodeArgs: ['--a'],
    script: '/app/a.ts',
    args: ['v1'],
  });
  assert.deepEqual(forkWithRunArgs(tsx, runArgs('--a', 'v1'), runArgs('--b --c', 'v2', 'x')).args, [
    '--import',
    'file:///tsx/x.mjs',
    '--b',
    '--c',
    '/app/a.ts',
    'v2',
    'x',
  ]);
  // An executable (or `interpreter: 'none'`) gets its arguments only: node_args change nothing it runs.
  const itself = { command: '/app/run', args: ['v1'] };
  assert.deepEqual(forkArgv(itself, runArgs('--a', 'v1')), { lead: [], nodeArgs: null, script: null, args: ['v1'] });
  assert.deepEqual(forkWithRunArgs(itself, runArgs('--a', 'v1'), runArgs('--b', 'v2')).args, ['v2']);
  // A fork whose arguments are not where the runArgs say (a spec of another shape): its reload keeps them.
  const other = { command: 'bash', args: ['/app/a.sh', 'v0'] };
  assert.equal(forkArgv(other, runArgs('', 'v1')), undefined);
  assert.equal(forkWithRunArgs(other, runArgs('', 'v1'), runArgs('', 'v2')), other);
});

// PM2's reload, and a cluster app's, run under the file's new kill_timeout and listen_timeout; a fork-mode app's kept
// the ones it started with (and warned), so new code slower to say ready than the old listen_timeout failed its reload.
test("a fork-mode app's reload runs under the file's new kill_timeout and listen_timeout, and the spec keeps them", async () => {
  // Says ready after the delay slow.txt names then (none: at once); drains for 0.8 s once told to stop.
  const slow = join(hive.dir, 'slow.js');
  const delayFile = join(hive.dir, 'slow.txt');
  writeFileSync(
    slow,
    `const fs = require('node:fs');
let delay = 0;
try { delay = Number(fs.readFileSync(${JSON.stringify(delayFile)}, 'utf8')); } catch {}
setTimeout(() => process.send('ready'), delay);
process.on('SIGINT', () => setTimeout(() => process.exit(0), 800));
setInterval(() => {}, 1 << 30);
`,
  );
  const app = (timeouts: object) =>
    hive.writeConfig([{ name: 'slow', script: slow, wait_ready: true, ...timeouts }], 'slow.config.js');
  const file = app({ listen_timeout: 800, kill_timeout: 300 });
  await hive.json(['start', file]);
  const [old] = await pids('slow');
  writeFileSync(delayFile, '1500');
  app({ listen_timeout: '4s', kill_timeout: 3000 });
  const result = await hive.run(['reload', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(warnings(result.stderr), [], 'the reload applies them: nothing kept to warn of');
  const [reloaded] = await pids('slow');
  assert.notEqual(reloaded, old);
  // Its drain ran to its end under the new kill_timeout, not SIGKILLed at the old one.
  assert.doesNotMatch(hive.readLog('../daemon.log'), new RegExp(`slow: .*pid ${old}\\b.*killTimeout`));
  const { settings } = await described('slow');
  assert.deepEqual(
    { listenTimeout: settings.listenTimeout, killTimeout: settings.killTimeout },
    { listenTimeout: 4_000, killTimeout: 3_000 },
  );
});
