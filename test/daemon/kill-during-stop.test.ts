import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { freePort } from '../cluster/helpers.js';
import { appFixture, HiveHome, waitFor } from './helpers.js';
import { connectTo, waitForApp } from './home-processes.js';

const hive = new HiveHome();
after(() => hive.cleanup());

test('hive kill during a graceful stop lets the drain finish: a request in flight is still answered', async () => {
  const port = await freePort();
  // The kill timeout outlasts any wait below: only a forced stop may cut the request off, not the drain's bound.
  const config = join(hive.dir, 'g.config.json');
  writeFileSync(
    config,
    JSON.stringify({ apps: [{ name: 'g', script: appFixture, instances: 1, port, kill_timeout: 60_000 }] }),
  );
  await hive.json(['start', config]);
  const gate = join(hive.dir, 'gate');
  // In flight until the gate file exists, so the app stays `stopping` however slow the box: a forced stop (hive run
  // takes a second SIGTERM as "force") would cut it off.
  const slow = request(`http://127.0.0.1:${port}/slow?gate=${encodeURIComponent(gate)}`).then(
    async (response) => ({ status: response.statusCode, body: await response.body.text() }),
    (error: Error) => ({ status: 0, body: error.message }),
  );
  await waitFor(() => /slow request received/.test(hive.readLog('g-out.log')), 'the slow request to arrive');
  const client = await connectTo(hive.home);
  try {
    const stopped = hive.run(['stop', 'g']);
    await waitForApp(client, 'g', (app) => app.status === 'stopping', 'stopping');
    const killed = hive.run(['kill']);
    // Room for the kill to arrive and for a forced stop to cut the request off: on a box too slow for that the test
    // passes without testing much, it does not fail.
    await delay(1_000);
    writeFileSync(gate, '');
    const result = await killed;
    assert.equal(result.code, 0, result.stderr);
    const reply = await slow;
    assert.equal(reply.status, 200, `the request in flight got ${reply.status}: ${reply.body}`);
    await stopped;
  } finally {
    writeFileSync(gate, '');
    client.close();
  }
});
