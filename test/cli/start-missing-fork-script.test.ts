// A fork-mode script that node (or an interpreter) runs is a file, even with no `/` in its name: node does not look
// `wrker.js` up on PATH. Such a script that is not there is refused as `./wrker.js` is, rather than an app added that
// crash-loops with MODULE_NOT_FOUND. Only a program run as itself (`hive start pnpm`) may be a name on PATH.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const dir = join(hive.dir, 'app');
mkdirSync(dir);

test('a config fork-mode app whose bare-named script is missing: ERR_HIVE_CONFIG naming the script key', async () => {
  const cases: [string, Record<string, unknown>][] = [
    // PM2's mode when a file sets none: fork.
    ['ecosystem.config.js', { name: 'a', script: 'wrker.js' }],
    ['hive.config.json', { name: 'a', script: 'wrker.js', execMode: 'fork' }],
    ['hive.config.json', { name: 'a', script: 'job.py', interpreter: 'python3' }],
  ];
  for (const [name, app] of cases) {
    const file = hive.writeConfig([app], `app/${name}`);
    const result = await hive.run(['start', file]);
    assert.equal(result.code, 2, `${JSON.stringify(app)}: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `hive start: ERR_HIVE_CONFIG: ${file}: apps[0] (a).script: The script ${join(dir, String(app.script))} does not exist\n`,
    );
  }
  assert.equal(await hive.daemonPid(), undefined, 'refused before the daemon was asked');
});

test('hive start <bare name> -x (or --interpreter) of a missing script: ERR_HIVE_SCRIPT_NOT_FOUND; once there, it starts', async () => {
  for (const flags of [['-x'], ['--interpreter', 'node']]) {
    const result = await hive.run(['start', 'wrker.js', ...flags, '--name', 'a5'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr.split('\n')[0],
      `hive start: ERR_HIVE_SCRIPT_NOT_FOUND: The script ${join(dir, 'wrker.js')} does not exist`,
    );
  }
  assert.equal(await hive.daemonPid(), undefined, 'refused before the daemon was asked');
  writeFileSync(join(dir, 'wrker.js'), 'setInterval(() => {}, 1000);\n');
  const [app] = await hive.json<{ mode: string; status: string }[]>(['start', 'wrker.js', '-x', '--name', 'a5'], {
    cwd: dir,
  });
  assert.deepEqual([app!.mode, app!.status], ['fork', 'online']);
});
