import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerLines } from '../../dist/cluster/http-head.js';
import { freePort, isEvent, startHive, tempApp } from './helpers.js';
import { rawExchange } from './raw-exchange.js';

const { app } = tempApp(
  'hive-sticky-head-',
  `import http from 'node:http';
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

// Writes `raw` on a new connection and resolves with what came back once the server closed it.
const exchange = async (port: number, raw: string): Promise<string> => (await rawExchange(port, raw)).response;

// What node's own server answers (no sticky router in front): 400 as soon as it reads the line ending it refuses.
const refused = [
  'GET / HTTP/1.1\nHost: x\n\n',
  'GET / HTTP/1.1\r\nHost: x\nx-client: a\n\n',
  'GET / HTTP/1.1\r\nHost: x\r\n\n',
  'GET / HTTP/1.1\rHost: x\r\n\r\n',
  // Never ended: node answers at the bare LF all the same.
  'GET / HTTP/1.1\r\nHost: x\n',
];

for (const sticky of ['header:x-client', 'cookie:sid']) {
  test(`sticky ${sticky}: a head with bare LF or CR line endings is answered 400 at once, as node does`, async () => {
    const port = await freePort();
    const hive = startHive([app, '-i', '2', '--port', String(port), '--sticky', sticky]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    // In parallel: each would wait out the router's 60 s head deadline before the fix.
    const answers = await Promise.all(refused.map((raw) => exchange(port, raw)));
    for (const [i, answer] of answers.entries()) {
      assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(refused[i]));
    }
    assert.match(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 200 OK/);
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}

test('sticky key: header lines end in LF or CRLF, as an insecureHTTPParser app reads them', () => {
  assert.deepEqual(headerLines('GET / HTTP/1.1\nHost: x\nX-Client: a\n\nbody: b\n'), ['Host: x', 'X-Client: a']);
  assert.deepEqual(headerLines('GET / HTTP/1.1\r\nHost: x\r\n\r\nX: y'), ['Host: x']);
});
