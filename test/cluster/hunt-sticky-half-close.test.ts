import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, isEvent, openConnection, startHive, tempApp } from './helpers.js';

const { app } = tempApp(
  'hive-sticky-half-close-',
  `import http from 'node:http';
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

// Writes `raw`, half-closes (FIN), and resolves with what came back once the server closed the connection.
function halfClosed(port: number, raw: string): Promise<string> {
  const { socket, closed } = openConnection(port);
  socket.end(raw);
  return closed;
}

for (const sticky of ['ip', 'header:x-client', 'cookie:sid']) {
  test(`sticky ${sticky}: a client that half-closes before its head's end is answered 400, as node does`, async () => {
    const port = await freePort();
    const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', sticky]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    // Node's own server answers 400 to an unfinished head at the client's FIN; the router closed it unanswered.
    assert.match(
      await halfClosed(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Client: a\r\n'),
      /^HTTP\/1\.1 400 Bad Request\r\n/,
    );
    assert.match(await halfClosed(port, 'GET / HTT'), /^HTTP\/1\.1 400 Bad Request\r\n/);
    // Nothing sent: closed, as node closes it.
    assert.equal(await halfClosed(port, ''), '');
    // A whole head, then the FIN: answered.
    assert.match(
      await halfClosed(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Client: a\r\n\r\n'),
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*ok$/,
    );
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}
