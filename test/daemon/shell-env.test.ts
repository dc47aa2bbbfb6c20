import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const lines = () => hive.readLog('env-probe-out.log').match(/probe=\S* explicit=\S*/g) ?? [];

// PM2 runs an app in the environment of the `pm2 start` that added it, not in the daemon's, and keeps that one
// across restarts and resurrect; `--env` values go over it.
test('an app gets the environment of the hive start that added it, also after a restart and a resurrect', async () => {
  await hive.json(['ls'], { env: { HIVE_SHELL_PROBE: 'daemon' } });
  // Run from inside another managed app: that app's per-process variables stay out of this one.
  await hive.json(['start', daemonFixture('env-probe.sh'), '--env', 'EXPLICIT=yes'], {
    env: { HIVE_SHELL_PROBE: 'shell', EXPLICIT: 'shell', HIVE_SOCKET: '/run/other.sock', NODE_APP_INSTANCE: '7' },
  });
  await waitFor(() => lines().length === 1, 'the first start');
  assert.deepEqual(lines(), ['probe=shell explicit=yes']);
  assert.match(hive.readLog('env-probe-out.log'), /socket=none instance=0\n/);

  await hive.json(['restart', 'env-probe'], { env: { HIVE_SHELL_PROBE: 'restart' } });
  await waitFor(() => lines().length === 2, 'the restart');
  assert.equal(lines()[1], 'probe=shell explicit=yes', 'a restart keeps the environment of the start');

  await hive.json(['save']);
  await hive.json(['kill']);
  await hive.json(['resurrect'], { env: { HIVE_SHELL_PROBE: 'boot' } });
  await waitFor(() => lines().length === 3, 'the resurrect');
  assert.equal(lines()[2], 'probe=shell explicit=yes', 'the dump keeps it too');

  // PM2's --update-env: this shell's environment instead, `--env` values still over it, and kept from then on.
  await hive.json(['restart', 'env-probe', '--update-env'], { env: { HIVE_SHELL_PROBE: 'updated', EXPLICIT: 'no' } });
  await waitFor(() => lines().length === 4, 'the restart with --update-env');
  assert.equal(lines()[3], 'probe=updated explicit=yes');
  await hive.json(['restart', 'env-probe'], { env: { HIVE_SHELL_PROBE: 'later' } });
  await waitFor(() => lines().length === 5, 'a later restart');
  assert.equal(lines()[4], 'probe=updated explicit=yes');
  // PM2's short flag: `pm2 restart app -a`, and reload's too.
  await hive.json(['restart', 'env-probe', '-a'], { env: { HIVE_SHELL_PROBE: 'short' } });
  await waitFor(() => lines().length === 6, 'a restart with -a');
  assert.equal(lines()[5], 'probe=short explicit=yes');
  await hive.json(['reload', 'env-probe', '-a'], { env: { HIVE_SHELL_PROBE: 'reloaded' } });
  await waitFor(() => lines().length === 7, 'a reload with -a');
  assert.equal(lines()[6], 'probe=reloaded explicit=yes');
  const refused = await hive.run(['stop', 'env-probe', '--update-env']);
  assert.equal(refused.code, 2, 'only restart takes --update-env');
});
