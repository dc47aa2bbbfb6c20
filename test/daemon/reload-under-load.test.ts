import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import { appFixture, HiveHome, waitFor } from './helpers.js';

const hive = new HiveHome();
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });
after(async () => {
  await agent.close();
  await hive.cleanup();
});

test('hive reload under keep-alive load loses no request', async () => {
  await hive.json(['start', appFixture, '-i', '2', '--name', 'busy']);
  const port = await waitFor(() => /listening (\d+)/.exec(hive.readLog('busy-out.log'))?.[1], 'the app port');
  let ok = 0;
  const failures: string[] = [];
  let running = true;
  const pids = new Set<number>();
  const loop = async () => {
    while (running) {
      try {
        const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
        const body = (await response.body.json()) as { pid: number };
        if (response.statusCode === 200) {
          ok += 1;
          pids.add(body.pid);
        } else failures.push(`status ${response.statusCode}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  await waitFor(() => ok > 20, 'traffic before the reload');
  const before = new Set(pids);
  await hive.json(['reload', 'busy']);
  const served = ok;
  await waitFor(() => ok > served + 20, 'traffic after the reload');
  running = false;
  await Promise.all(loops);
  assert.deepEqual(failures, []);
  assert.ok(
    [...pids].some((pid) => !before.has(pid)),
    'new workers served after the reload',
  );
});
