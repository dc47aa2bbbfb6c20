import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poll } from '../poll.js';
import { freePort, type Hive, isEvent, startHive, tempApp } from './helpers.js';
import { rawExchange } from './raw-exchange.js';

const { app } = tempApp(
  'hive-sticky-drain-',
  `import http from 'node:http';
http.createServer((req, res) => res.end(String(process.pid))).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

// One request on a new connection; resolves with the response, or the error that ended the connection.
async function ask(port: number, head: string): Promise<string> {
  const { response, error } = await rawExchange(port, head);
  return error ? `error: ${error.message}` : response;
}

/**
 * Clients that open a new connection per request with a random key, as fast as they are answered, until stopped;
 * every answer that is not a 200 is kept.
 */
function steadyClients(port: number, mode: 'header' | 'ip', clients = 4) {
  const failures: string[] = [];
  let served = 0;
  let running = true;
  const loop = async () => {
    while (running) {
      const key = `${Math.random()}`;
      const head =
        mode === 'header'
          ? `GET / HTTP/1.1\r\nHost: x\r\nx-real-ip: ${key}\r\nConnection: close\r\n\r\n`
          : 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
      const answer = await ask(port, head);
      if (/^HTTP\/1\.1 200 /.test(answer)) served++;
      else failures.push(answer === '' ? 'closed without an answer' : answer.split('\r\n')[0]!);
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    failures,
    get served() {
      return served;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

// SIGTERMs each worker in turn, `rounds` times, each time once its slot has a ready process again and the clients
// have been served since.
async function killRounds(hive: Hive, load: { served: number }, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const instance of [0, 1]) {
      const pid = await poll(() => hive.readyPids().get(instance), `worker ${instance} ready`);
      const before = load.served;
      await poll(() => load.served > before + 20, 'requests served before the SIGTERM');
      process.kill(pid, 'SIGTERM');
      await poll(() => hive.readyPids().get(instance) !== pid && hive.readyPids().get(instance), 'a new worker');
    }
  }
}

for (const mode of ['header', 'ip'] as const) {
  test(`sticky ${mode}: a worker SIGTERMed from outside loses no connection of a steady client loop`, async () => {
    const port = await freePort();
    const sticky = mode === 'header' ? 'header:x-real-ip' : 'ip';
    const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', sticky]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const load = steadyClients(port, mode);
    try {
      await killRounds(hive, load, 3);
    } finally {
      await load.stop();
    }
    assert.deepEqual(load.failures, [], `${load.failures.length} failed of ${load.served + load.failures.length}`);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}

test('sticky header: reloads under a steady client loop lose no connection', async () => {
  const port = await freePort();
  const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', 'header:x-real-ip']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const load = steadyClients(port, 'header');
  try {
    for (let round = 1; round <= 3; round++) {
      const before = load.served;
      await poll(() => load.served > before + 20, 'requests served before the reload');
      hive.kill('SIGHUP');
      await poll(
        () => hive.records.filter(isEvent('reload', { phase: 'done' })).length === round,
        `reload ${round} done`,
        { timeoutMs: 60_000 },
      );
    }
  } finally {
    await load.stop();
  }
  assert.deepEqual(load.failures, [], `${load.failures.length} failed of ${load.served + load.failures.length}`);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
