import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, get, startLoad } from '../cluster/helpers.js';
import { appFixture, daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

interface App {
  name: string;
  processes: { role: string; pid: number }[];
}
const primaryPid = async (name: string) => {
  const app = await hive.json<App>(['describe', name]);
  return app.processes.find((p) => p.role === 'primary')!.pid;
};

// PM2's `pm2 reload app --update-env`: the shell's environment now, with zero downtime (the primary stays and forks
// the replacements with it), kept from then on like restart --update-env's.
test('hive reload --update-env rolls the app onto this shell environment without a failed request', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '-i', '2', '--name', 'greet', '--port', String(port)], {
    env: { GREETING: 'a', FAREWELL: 'bye' },
  });
  await waitFor(async () => (await get(port).catch(() => undefined))?.greeting === 'a', 'the first start');
  const primary = await primaryPid('greet');

  // Without --update-env a reload keeps the environment of the start.
  await hive.json(['reload', 'greet'], { env: { GREETING: 'ignored' } });
  const plain = await get(port);
  assert.deepEqual([plain.greeting, plain.farewell], ['a', 'bye']);

  const load = startLoad(port, 4);
  await waitFor(() => load.stats.ok > 20, 'traffic before the reload');
  // Stopped whatever happens: a load loop left running would keep the test process alive.
  const stats = await (async () => {
    try {
      const [reloaded] = await hive.json<(App & { reload: unknown[] })[]>(['reload', 'greet', '--update-env'], {
        env: { GREETING: 'b' },
      });
      assert.equal(reloaded!.reload.length, 2);
      const served = load.stats.ok;
      await waitFor(() => load.stats.ok > served + 20, 'traffic after the reload');
    } finally {
      await load.stop();
    }
    return load.stats;
  })();
  assert.equal(stats.failed, 0, `failed requests: ${stats.errors.join('; ')}`);
  for (let i = 0; i < 4; i++) {
    const reply = await get(port);
    assert.deepEqual([reply.greeting, reply.farewell], ['b', null], 'FAREWELL, gone from the shell, is gone');
  }
  assert.equal(await primaryPid('greet'), primary, 'a reload, not a restart: the primary stayed');

  // Kept like restart --update-env's: across a restart, and in the dump.
  await hive.json(['restart', 'greet'], { env: { GREETING: 'restart' } });
  const restarted = await get(port);
  assert.deepEqual([restarted.greeting, restarted.farewell], ['b', null]);
  await hive.json(['save']);
  await hive.json(['kill']);
  await hive.json(['resurrect'], { env: { GREETING: 'boot', FAREWELL: 'boot' } });
  await waitFor(async () => (await get(port).catch(() => undefined))?.greeting, 'the resurrect');
  const resurrected = await get(port);
  assert.deepEqual([resurrected.greeting, resurrected.farewell], ['b', null]);
});

test('hive reload --update-env of a fork-mode app: its new processes get the shell environment too', async () => {
  const lines = () => hive.readLog('env-probe-out.log').match(/probe=\S* explicit=\S*/g) ?? [];
  await hive.json(['start', daemonFixture('env-probe.sh'), '--env', 'EXPLICIT=yes'], {
    env: { HIVE_SHELL_PROBE: 'shell' },
  });
  await waitFor(() => lines().length === 1, 'the first start');
  await hive.json(['reload', 'env-probe'], { env: { HIVE_SHELL_PROBE: 'ignored' } });
  await waitFor(() => lines().length === 2, 'the plain reload');
  assert.equal(lines()[1], 'probe=shell explicit=yes');
  // HIVE_SHELL_PROBE left out of this shell: unset in the new process; `--env` values still over it.
  await hive.json(['reload', 'env-probe', '--update-env'], { env: { EXPLICIT: 'no' } });
  await waitFor(() => lines().length === 3, 'the reload with --update-env');
  assert.equal(lines()[2], 'probe= explicit=yes');
});
