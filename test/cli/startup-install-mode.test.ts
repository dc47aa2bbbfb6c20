// The line `hive startup` prints to install its unit leaves a file only root can change, whatever the user's umask,
// and goes through no file of the current folder: `hive startup > <name>.service` there was a name known in advance,
// which anyone who can write the folder could make beforehand (theirs, 0666, or a link) and edit before the install.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hiveBin, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const asRoot = process.getuid?.() === 0;
const needsRoot = {
  skip: asRoot ? false : 'needs root: the line runs `sudo install -o root`, here with sudo as a pass-through',
};
let count = 0;

/**
 * The install line up to the copy into place (`hive kill` and systemctl are not this test's), run in a new folder
 * by /bin/sh with sudo a pass-through and /etc/systemd/system a temp folder; `hive` is `hiveScript` when given. The
 * line of a HIVE_HOME other than ~/.hive gives its `hive` commands that home.
 */
async function runInstall(prepare: (work: string, base: string) => void = () => {}, hiveScript?: string) {
  const { install, file } = await hive.json<{ install: string; file: string }>(['startup']);
  const steps = install.split(/ && (?:HIVE_HOME=\S+ )?hive kill /)[0]!;
  assert.notEqual(steps, install, 'cut before `hive kill`: this test never runs systemctl');
  const dir = join(hive.dir, `run-${++count}`);
  const target = join(dir, 'system');
  const work = join(dir, 'work');
  const runBin = join(dir, 'bin');
  for (const folder of [target, work, runBin]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(runBin, 'hive'), hiveScript ?? `#!/bin/sh\nexec "${process.execPath}" "${hiveBin}" "$@"\n`);
  writeFileSync(join(runBin, 'sudo'), '#!/bin/sh\nexec "$@"\n');
  chmodSync(join(runBin, 'hive'), 0o755);
  chmodSync(join(runBin, 'sudo'), 0o755);
  const base = file.replace(/^.*\//, '');
  prepare(work, base);
  const line = steps.replaceAll('/etc/systemd/system/', `${target}/`);
  const result = spawnSync('/bin/sh', ['-c', `umask 002 && ${line}`], {
    cwd: work,
    env: { ...process.env, HIVE_HOME: hive.home, PATH: `${runBin}:${process.env.PATH}` },
    encoding: 'utf8',
  });
  return { result, installed: join(target, base), work, base };
}

test('the install line writes the unit 0644 and root-owned under umask 002', needsRoot, async () => {
  const { result, installed, work } = await runInstall();
  assert.equal(result.status, 0, result.stderr);
  const unit = statSync(installed);
  assert.equal((unit.mode & 0o777).toString(8), '644');
  assert.equal(unit.uid, 0);
  assert.equal(unit.gid, 0);
  // The unit as `hive startup` prints it, every byte but the PATH (the line's shell has the test's `bin` first).
  const printed = await hive.run(['startup']);
  const withoutPath = (unit: string) => unit.replace(/^Environment="PATH=.*\n/m, '');
  assert.equal(withoutPath(readFileSync(installed, 'utf8')), withoutPath(printed.stdout));
  // Nothing written in the working folder, not even for a moment.
  assert.deepEqual(readdirSync(work), []);
});

test('a name planted in the current folder is neither written through nor what gets installed', needsRoot, async () => {
  const victim = join(hive.dir, 'victim');
  writeFileSync(victim, '[Service]\nExecStart=/bin/planted\n');
  const { result, installed } = await runInstall((work, base) => symlinkSync(victim, join(work, base)));
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(victim, 'utf8'), '[Service]\nExecStart=/bin/planted\n');
  assert.doesNotMatch(readFileSync(installed, 'utf8'), /planted/);
  assert.match(readFileSync(installed, 'utf8'), /resurrect/);
});

test('a `hive startup` that fails (not on the PATH) installs nothing and stops there', needsRoot, async () => {
  const { result, installed } = await runInstall(undefined, '#!/bin/sh\necho "hive: not here" >&2\nexit 127\n');
  assert.notEqual(result.status, 0);
  assert.equal(existsSync(installed), false);
});
