import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort } from '../cluster/helpers.js';
import { appFixture, HiveHome, waitFor } from './helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('hive kill during a graceful stop lets the drain finish: a request in flight is still answered', async () => {
  const port = await freePort();
  await hive.json(['start', appFixture, '--name', 'g', '-i', '1', '--port', String(port)]);
  // In flight for 3 s: a forced stop (hive run takes a second SIGTERM as "force") would cut it off.
  const slow = request(`http://127.0.0.1:${port}/slow?ms=3000`).then(
    async (response) => ({ status: response.statusCode, body: await response.body.text() }),
    (error: Error) => ({ status: 0, body: error.message }),
  );
  await waitFor(() => /slow request received/.test(hive.readLog('g-out.log')), 'the slow request to arrive');
  const stopped = hive.run(['stop', 'g']);
  await waitFor(async () => (await hive.json<{ status: string }>(['describe', 'g'])).status === 'stopping', 'stopping');
  const killed = await hive.run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  const reply = await slow;
  assert.equal(reply.status, 200, `the request in flight got ${reply.status}: ${reply.body}`);
  await stopped;
});
