// The install line `hive startup` prints for a HIVE_HOME other than ~/.hive is pasted in another shell, often one
// without HIVE_HOME (a new login): its `hive` commands then wrote the default home's unit under this home's name and
// killed the default home's daemon. They carry the home now, shell-quoted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonFixture, hiveBin, isAlive, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
// A space and a quote: the line must keep the path one shell word.
const home = join(hive.dir, "it's h");
after(() => hive.run(['kill'], { env: { HIVE_HOME: home } }));

test("the install line's hive commands name a HIVE_HOME other than ~/.hive, in a shell without it", async () => {
  const env = { HIVE_HOME: home };
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick'], { env });
  const daemon = (await hive.json<{ daemonPid: number }>(['version'], { env })).daemonPid;
  hive.pids.add(daemon);
  const { file, install } = await hive.json<{ file: string; install: string }>(['startup'], { env });
  // Up to `hive kill`: systemctl is never run here, and the install into /etc is root's (startup-install-mode.test.ts):
  // `sudo` here keeps what it is given on stdin, the unit, in a file of the test's.
  const steps = install.split(' && ').filter((step) => !/^sudo /.test(step));
  assert.equal(steps.length, 3, install);
  const bin = join(hive.dir, 'bin');
  mkdirSync(bin);
  const unitCopy = join(hive.dir, 'unit');
  writeFileSync(join(bin, 'hive'), `#!/bin/sh\nexec "${process.execPath}" "${hiveBin}" "$@"\n`);
  writeFileSync(join(bin, 'sudo'), `#!/bin/sh\ncat > ${JSON.stringify(unitCopy)}\n`);
  chmodSync(join(bin, 'hive'), 0o755);
  chmodSync(join(bin, 'sudo'), 0o755);
  const work = join(hive.dir, 'work');
  mkdirSync(work);
  const path = `${bin}:${process.env.PATH}`;
  const shellEnv: NodeJS.ProcessEnv = { ...process.env, PATH: path };
  delete shellEnv.HIVE_HOME;
  // The default home (~/.hive) a scratch one: a line that misses this home must not reach the real one's daemon.
  shellEnv.HOME = join(hive.dir, 'user');
  const result = spawnSync('/bin/sh', ['-c', steps.join(' && ')], { cwd: work, env: shellEnv, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  // This home's unit (and the lines after it, comments to systemd), not the default home's.
  const printed = await hive.run(['startup'], { env: { ...env, PATH: path } });
  assert.equal(readFileSync(unitCopy, 'utf8'), printed.stdout);
  assert.ok(install.includes(` /dev/stdin ${file} && `), install);
  await waitFor(() => !isAlive(daemon), "this home's daemon stopped by the line's `hive kill`");
});
