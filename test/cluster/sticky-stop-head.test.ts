// A graceful stop under --sticky header: or cookie: answers a client whose request head was still arriving, as the
// processes' drain answers one under --sticky ip: the router's copy of its connection used to be left out of the
// stop, which closed it unanswered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, isEvent, openConnection, startHive, tempApp } from './helpers.js';

const { app } = tempApp(
  'hive-sticky-stop-head-',
  `import http from 'node:http';
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

for (const sticky of ['header:x-client', 'cookie:sid', 'ip']) {
  test(`--sticky ${sticky}: a request whose head was arriving when the stop began is answered`, async () => {
    const port = await freePort();
    const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', sticky, '--kill-timeout', '10s']);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const { socket, closed } = openConnection(port);
    await new Promise<void>((resolve) => socket.write('GET / HTTP/1.1\r\nHost: x\r\n', () => resolve()));
    // The router has the first bytes when the stop begins (an echo on the same path would prove it; a pause does).
    await new Promise((resolve) => setTimeout(resolve, 300));
    hive.kill('SIGTERM');
    await hive.waitFor(isEvent('state', { state: 'stopping' }), 'stopping');
    const key = sticky === 'cookie:sid' ? 'Cookie: sid=a' : 'x-client: a';
    socket.write(`${key}\r\nConnection: close\r\n\r\n`);
    const response = await closed;
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/, `answer: ${JSON.stringify(response)}`);
    assert.match(response, /\r\nconnection: close\r\n/i);
    assert.match(response, /\r\n\r\nok$/);
    assert.equal((await hive.exited).code, 0);
  });
}

test('--sticky header:x-client: a head that never completes in a stop is closed unanswered, and the stop ends', async () => {
  const port = await freePort();
  const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', 'header:x-client']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const { socket, closed } = openConnection(port);
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  hive.kill('SIGTERM');
  assert.equal(await closed, '');
  assert.equal((await hive.exited).code, 0);
});
