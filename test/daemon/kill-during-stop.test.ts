import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startWithRequestInFlight, tempHome } from './helpers.js';
import { connectTo, waitForApp } from './home-processes.js';

const hive = tempHome();

test('hive kill during a graceful stop lets the drain finish: a request in flight is still answered', async () => {
  // The kill timeout (a minute) outlasts any wait below: only a forced stop may cut the request off, not the drain's
  // bound. In flight until the gate file exists, so the app stays `stopping` however slow the box: a forced stop (hive
  // run takes a second SIGTERM as "force") would cut it off.
  const { gate, reply: slow } = await startWithRequestInFlight(hive, 'g');
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
