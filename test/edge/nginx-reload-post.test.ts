// Real nginx with Hive's generated config in front of a real `hive run -i 2`: POSTs, which nginx never sends again to
// another connection once one has failed, through rolling reloads. Each retiring process has a busy moment (its event
// loop blocked, test/fixtures/edge/busy-drain-app.js) just when its drain would close the connections that sat idle
// since the drain began, while POSTs come in: a request nginx sends on such a connection must not be lost. It was,
// with 502s, while nginx kept idle upstream connections for 4 s and a draining process closed them after 1 s. Either
// of the two fixes passes this test: nginx closing idle connections first (keepalive_timeout 500ms), and the drain's
// idle check waiting until the loop has read what came in (server-tracker.ts); the first one also covers a request
// and a close that cross on the wire, which no test can time (docs/cluster.md, "Behind nginx", has the figures).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { type Hive, type HiveRecord, startHive } from '../cluster/helpers.js';
import { freePort, nginxSkip, type RunningNginx, startNginx, stopChild, testMain } from './nginx-harness.js';

const skip = nginxSkip();
const app = fileURLToPath(new URL('../fixtures/edge/busy-drain-app.js', import.meta.url));
const agent = new Agent({ connections: 64 });
let primary: Hive | undefined;
let nginx: RunningNginx | undefined;

after(async () => {
  await agent.close();
  await nginx?.stop();
  if (primary) await stopChild(primary.child, 'SIGTERM');
});

test('POSTs through nginx during rolling reloads: none lost while a draining process is busy', { skip }, async () => {
  const appPort = await freePort();
  // The fixture's busy moment: 800-1300 ms into each drain, over the drain's 1 s idle grace (the default).
  const hive = startHive([app, '-i', '2', '--port', String(appPort), '--listen-timeout', '60s'], {
    BUSY_AT: '800',
    BUSY_MS: '500',
  });
  primary = hive;
  await hive.waitFor((e) => e.type === 'state' && e.state === 'online', 'online', 60_000);
  const port = await freePort();
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [{ app: 'app', listen: { address: '127.0.0.1', port }, upstream: { hosts: `127.0.0.1:${appPort}` } }],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, [port]);

  let sent = 0;
  const failures: string[] = [];
  const post = async () => {
    const id = ++sent;
    try {
      const response = await request(`http://127.0.0.1:${port}/orders/${id}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      const body = await response.body.text();
      if (response.statusCode !== 200) failures.push(`POST /orders/${id}: ${response.statusCode}`);
      else assert.equal((JSON.parse(body) as { url: string }).url, `/orders/${id}`);
    } catch (error) {
      failures.push(`POST /orders/${id}: ${String(error)}`);
    }
  };
  const burst = (size: number) => Promise.all(Array.from({ length: size }, post));

  // Between drains, bursts of 16 keep many upstream connections open to both processes. From a drain's start the
  // bursts pause, so that the retiring process's connections sit idle in nginx's pool; then three bursts land inside
  // its busy moment, 900 to 1100 ms in.
  let quietUntil = 0;
  let warming = true;
  const drains: Promise<unknown>[] = [];
  const warm = (async () => {
    while (warming) {
      if (performance.now() >= quietUntil) await burst(16);
      await delay(100);
    }
  })();
  const seen = new Set<number>();
  const onDrain = (pid: number) => {
    seen.add(pid);
    quietUntil = Math.max(quietUntil, performance.now() + 1400);
    drains.push(
      (async () => {
        await delay(900);
        const bursts = [burst(16)];
        await delay(100);
        bursts.push(burst(16));
        await delay(100);
        bursts.push(burst(16));
        await Promise.all(bursts);
      })(),
    );
  };

  await burst(16);
  for (let reload = 1; reload <= 3; reload++) {
    const start = hive.records.length;
    const since = (r: HiveRecord) => hive.records.indexOf(r) >= start;
    hive.child.kill('SIGHUP');
    // Each retiring process's drain, as the primary reports it: two per reload.
    for (let n = 0; n < 2; n++) {
      const record = await hive.waitFor(
        (r) => since(r) && r.type === 'worker' && r.state === 'draining' && !seen.has(r.pid as number),
        `reload ${reload}: a drain`,
        60_000,
      );
      onDrain(record.pid as number);
    }
    const end = await hive.waitFor(
      (r) => since(r) && r.type === 'reload' && r.phase !== 'start',
      `reload ${reload} end`,
      60_000,
    );
    assert.equal(end.phase, 'done', `reload ${reload}: ${String(end.reason)}`);
    await Promise.all(drains);
  }
  warming = false;
  await warm;

  assert.equal(seen.size, 6, 'six processes retired');
  assert.deepEqual(failures, [], `${failures.length} of ${sent} POSTs failed; nginx said:\n${nginx.output()}`);
});
