// The line `hive startup` prints to install its unit leaves a file only root can change, whatever the user's umask.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hiveBin, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const asRoot = process.getuid?.() === 0;

test('the install line writes the unit 0644 and root-owned under umask 002', {
  skip: asRoot ? false : 'needs root: the line runs `sudo install -o root`, here with sudo as a pass-through',
}, async () => {
  const { install, file } = await hive.json<{ install: string; file: string }>(['startup']);
  // Up to the copy into place: `hive kill` and systemctl are not this test's. /etc/systemd/system is a temp folder here.
  // The line of a HIVE_HOME other than ~/.hive gives its `hive` commands that home.
  const steps = install.split(/ && (?:HIVE_HOME=\S+ )?hive kill /)[0]!;
  assert.notEqual(steps, install, 'cut before `hive kill`: this test never runs systemctl');
  const target = join(hive.dir, 'system');
  mkdirSync(target);
  const bin = join(hive.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'hive'), `#!/bin/sh\nexec "${process.execPath}" "${hiveBin}" "$@"\n`);
  writeFileSync(join(bin, 'sudo'), '#!/bin/sh\nexec "$@"\n');
  chmodSync(join(bin, 'hive'), 0o755);
  chmodSync(join(bin, 'sudo'), 0o755);
  const work = join(hive.dir, 'work');
  mkdirSync(work);
  const line = steps.replaceAll('/etc/systemd/system/', `${target}/`);
  const result = spawnSync('/bin/sh', ['-c', `umask 002 && ${line}`], {
    cwd: work,
    env: { ...process.env, HIVE_HOME: hive.home, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const unit = statSync(join(target, file.replace(/^.*\//, '')));
  assert.equal((unit.mode & 0o777).toString(8), '644');
  assert.equal(unit.uid, 0);
  assert.equal(unit.gid, 0);
  // The user's copy in the working folder is not left behind.
  assert.equal(existsSync(join(work, file.replace(/^.*\//, ''))), false);
});
