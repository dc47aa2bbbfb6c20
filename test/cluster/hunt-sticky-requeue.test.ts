import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashKey } from '../../dist/cluster/sticky-mode.js';
import { stickySlot } from '../../dist/cluster/sticky-slot.js';
import { freePort, isEvent, startHive, tempApp } from './helpers.js';
import { rawExchange } from './raw-exchange.js';

// /block stops the process's event loop for good: it no longer acknowledges the sockets the primary hands it, so the
// next ones queue in the primary.
const { app } = tempApp(
  'hive-sticky-',
  `import http from 'node:http';
http.createServer((req, res) => {
  if (req.url === '/block') for (;;) {}
  res.end(JSON.stringify({ pid: process.pid, instance: process.env.HIVE_INSTANCE }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

// One request on its own connection; resolves with the response ('' when the connection ends without one).
async function ask(port: number, client: string, path = '/'): Promise<string> {
  const head = `GET ${path} HTTP/1.1\r\nHost: x\r\nx-client: ${client}\r\nConnection: close\r\n\r\n`;
  return (await rawExchange(port, head)).response;
}

// Client keys whose hash picks slot `slot` of 2.
function clientsOf(slot: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++)
    if (stickySlot(hashKey(`client-${i}`), [0, 1]) === slot) keys.push(`client-${i}`);
  return keys;
}

test('sticky: connections queued for a process that dies go to another process, not closed', async () => {
  const port = await freePort();
  const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', 'header:x-client']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const [blocker, ...clients] = clientsOf(0, 7);
  const [other] = clientsOf(1, 1);
  const doomed = (JSON.parse((await ask(port, blocker!)).split('\r\n\r\n')[1]!) as { pid: number }).pid;

  void ask(port, blocker!, '/block');
  // Handed to the blocked process: the first one is written to its channel, the others queue behind it.
  const answers = clients.map((client) => ask(port, client));
  // A round trip through the other process: the primary has read the queued connections' heads by now.
  assert.match(await ask(port, other!), /200 OK/);
  process.kill(doomed, 'SIGKILL');

  const served = (await Promise.all(answers)).filter((answer) => /200 OK/.test(answer));
  // The connection written to the dead process's channel is lost with it; every queued one is served elsewhere.
  assert.ok(served.length >= clients.length - 1, `${served.length} of ${clients.length} served`);
  for (const answer of served) assert.notEqual(JSON.parse(answer.split('\r\n\r\n')[1]!).pid, doomed);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
