// Fork mode gives a Node program an IPC channel (PM2's process.send('ready')), and other programs none: a shell or
// python script that starts Node would pass NODE_CHANNEL_FD on with the descriptor closed, and Node would abort.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a non-Node fork-mode program gets no IPC channel: a Node program it starts runs and exits cleanly', async () => {
  await hive.json(['start', daemonFixture('node-grandchild.sh'), '--name', 'gc'], {
    env: { NODE: process.execPath },
  });
  await waitFor(() => /grandchild rc \d+/.test(hive.readLog('gc-out.log')), 'the grandchild ran');
  assert.match(hive.readLog('gc-out.log'), /\[gc:0\] grandchild ran\n\[gc:0\] grandchild rc 0\n/);
  await hive.json(['delete', 'gc']);
});
