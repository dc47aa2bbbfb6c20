import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReloadSlot } from '../../dist/daemon/protocol.js';
import { daemonFixture, tempHome } from './helpers.js';
import { connectTo } from './home-processes.js';

type App = { name: string; status: string; reload?: ReloadSlot[] };

const hive = tempHome();

test('reload all answers for the apps it reloaded, even when another app is started during it', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 't1', '-i', '3']);
  const [first, second] = [await connectTo(hive.home), await connectTo(hive.home)];
  const t2 = {
    name: 't2',
    script: daemonFixture('ticker.sh'),
    cwd: hive.home,
    runArgs: [],
    env: {},
    instances: '1',
    fork: { command: daemonFixture('ticker.sh'), args: [] },
  };
  try {
    let started: Promise<App> | undefined;
    // After the first slot, while the others are still being replaced.
    const reloaded = await first.request<App[]>('reload', { target: 'all' }, () => {
      started ??= second.request<App>('start', { app: t2 });
    });
    assert.ok(started, 'the reload reported progress');
    assert.deepEqual(
      reloaded.map((app) => [app.name, app.reload?.map((slot) => slot.instance)]),
      [['t1', [0, 1, 2]]],
    );
    assert.equal((await started).status, 'online');
  } finally {
    first.close();
    second.close();
  }
  // The CLI's table of a reload all (the reply it once could not print).
  const text = await hive.run(['reload', 'all']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^t1\s+2\s+\d+\s+\d+\s+\d+ ms$/m);
  assert.match(text.stdout, /^t2\s+0\s+\d+\s+\d+\s+\d+ ms$/m);
});
