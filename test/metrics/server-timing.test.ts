import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { freePort, isEvent, killAll, startHive } from '../cluster/helpers.js';

const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;

after(killAll);

async function serverTiming(port: number, path: string, id?: string): Promise<string | undefined> {
  const sent = id === undefined ? {} : { 'x-request-id': id };
  const { headers, body } = await request(`http://127.0.0.1:${port}${path}`, { headers: sent, reset: true });
  await body.text();
  return headers['server-timing'] as string | undefined;
}

test('--server-timing: responses carry total, and pool time for requests that ran pool tasks; off by default', async () => {
  const port = await freePort();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--server-timing']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  const plain = await serverTiming(port, '/');
  assert.match(plain ?? '', /^total;dur=\d+(\.\d)?;desc="instance 0, pid \d+, request [0-9a-f-]{36}"$/);
  const compute = await serverTiming(port, '/compute', 'checkout-42');
  assert.match(compute ?? '', /^total;dur=[\d.]+;desc="instance 0, pid \d+, request checkout-42"/);
  assert.match(
    compute ?? '',
    /^total;dur=[\d.]+;desc="[^"]+", pool-wait;dur=[\d.]+;desc="1 task\(s\) queued", pool-run;dur=[\d.]+;desc="thread \d+"$/,
  );
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);

  const offPort = await freePort();
  const off = startHive([app, '-i', '1', '--port', String(offPort)]);
  await off.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  assert.equal(await serverTiming(offPort, '/compute'), undefined);
  off.kill('SIGTERM');
  assert.equal((await off.exited).code, 0);
});
