// `pm2 reload ecosystem.config.js` applies a changed `args` and `node_args` to the reloaded processes; so does `hive
// reload <file>` (and startOrReload): every replacement is forked with the file's new script and Node.js arguments,
// the same rolling path as its env, and the daemon's spec keeps them for a later respawn, save and resurrect. An
// aborted reload keeps the old ones, for the slots' crash restarts too.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../ports.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
// Fixed for the file: every reload keeps it.
const port = await freePort();
type App = { name: string; processes: { pid: number; role: string }[] };

// Each process writes what it was started with to <pid>.json, then serves; `--fail` among its arguments fails it.
const script = join(hive.dir, 'argv-app.js');
writeFileSync(
  script,
  `const { writeFileSync } = require('node:fs');
const execArgv = process.execArgv.filter((arg, i, all) => arg !== '--import' && all[i - 1] !== '--import');
if (process.argv.includes('--fail')) throw new Error('started with --fail');
writeFileSync(require('node:path').join(__dirname, process.pid + '.json'), JSON.stringify({ argv: process.argv.slice(2), execArgv }));
require('node:http').createServer((req, res) => res.end('ok')).listen(process.env.PORT);
`,
);
const config = (args: string, nodeArgs: string) =>
  hive.writeConfig([{ name: 'argv', script, instances: 2, port, args, node_args: nodeArgs }], 'ecosystem.config.js');
const pids = async () =>
  (await hive.json<App[]>(['ls']))
    .find((app) => app.name === 'argv')!
    .processes.filter((p) => p.role === 'worker')
    .map((p) => p.pid);
const startedWith = (pid: number) =>
  JSON.parse(readFileSync(join(hive.dir, `${pid}.json`), 'utf8')) as { argv: string[]; execArgv: string[] };
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('warning:'));
const savedRunArgs = async () => {
  await hive.json(['save']);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8')) as {
    apps: { name: string; runArgs: string[] }[];
  };
  return dump.apps.find((app) => app.name === 'argv')!.runArgs;
};
const scriptArgs = (runArgs: string[]) => runArgs.slice(runArgs.indexOf('--') + 1);
const nodeArgsFlag = (runArgs: string[]) => runArgs.filter((arg) => arg.startsWith('--node-args='));

test('a reload of the file forks every replacement with its new args and node_args, and the spec keeps them', async () => {
  const file = config('--v 1', '--max-old-space-size=100');
  await hive.json(['start', file]);
  const before = await pids();
  assert.equal(before.length, 2);
  for (const pid of before) {
    assert.deepEqual(startedWith(pid), { argv: ['--v', '1'], execArgv: ['--max-old-space-size=100'] }, `${pid}`);
  }
  config('--v 2', '--max-old-space-size=120 --stack-size=900');
  for (const [command, v] of [
    ['reload', '2'],
    ['startOrReload', '3'],
  ] as const) {
    if (v === '3') config('--v 3', '--max-old-space-size=120 --stack-size=900');
    const result = await hive.run([command, file]);
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    assert.deepEqual(warnings(result.stderr), [], `${command} applies them: nothing kept to warn of`);
    const after = await pids();
    assert.equal(after.length, 2);
    for (const pid of after) {
      assert.ok(!before.includes(pid), `${command}: ${pid} is a replacement`);
      assert.deepEqual(
        startedWith(pid),
        { argv: ['--v', v], execArgv: ['--max-old-space-size=120', '--stack-size=900'] },
        `${command}: ${pid}`,
      );
    }
    before.push(...after);
  }
  const runArgs = await savedRunArgs();
  assert.deepEqual(scriptArgs(runArgs), ['--v', '3']);
  assert.deepEqual(nodeArgsFlag(runArgs), ['--node-args=--max-old-space-size=120 --stack-size=900']);
});

test('an aborted reload keeps the old args and node_args: for the slots it left, their crash restarts, the dump', async () => {
  const file = config('--v 3 --fail', '--max-old-space-size=100');
  const result = await hive.run(['reload', file]);
  assert.notEqual(result.code, 0, 'a replacement started with --fail: the reload aborted');
  const kept = await pids();
  for (const pid of kept) assert.deepEqual(startedWith(pid).argv, ['--v', '3'], `${pid}`);
  // A crash restart of a slot forks with the arguments the app still runs, not the aborted reload's.
  process.kill(kept[0]!, 'SIGKILL');
  const restarted = await waitFor(async () => {
    const now = await pids();
    return now.length === 2 && !now.includes(kept[0]!) ? now : undefined;
  }, 'the crashed slot restarted');
  for (const pid of restarted) {
    assert.deepEqual(
      await waitFor(() => {
        try {
          return startedWith(pid);
        } catch {
          return undefined;
        }
      }, `${pid}.json`),
      { argv: ['--v', '3'], execArgv: ['--max-old-space-size=120', '--stack-size=900'] },
      `${pid}`,
    );
  }
  const runArgs = await savedRunArgs();
  assert.deepEqual(scriptArgs(runArgs), ['--v', '3']);
  assert.deepEqual(nodeArgsFlag(runArgs), ['--node-args=--max-old-space-size=120 --stack-size=900']);
});
