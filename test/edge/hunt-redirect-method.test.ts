// The HTTP -> HTTPS redirect answered every method with 301, which browsers, fetch and curl -L follow by resending a
// POST as a GET without its body: an API client posting to http:// reached the GET handler, or lost its data without
// an error. A request other than GET and HEAD now gets 308, which keeps the method and body; GET and HEAD keep 301.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { nginxSkip, startTlsSite, type TlsSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: TlsSite | undefined;

before(async () => {
  if (skip) return;
  site = await startTlsSite({ tls: { redirect: true } });
});

after(async () => {
  await site?.stop();
});

/** The status and Location nginx answers `method` on the plain-HTTP port with; a body unless GET or HEAD. */
function redirect(method: string): Promise<{ status: number | undefined; location: string | undefined }> {
  const body = method === 'GET' || method === 'HEAD' ? '' : '{"a":1}';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: site?.http,
        method,
        path: '/orders?x=1',
        agent: false,
        headers: { host: 'api.example.com', 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('GET and HEAD get a 301, every other method a 308 to the same URL', { skip }, async () => {
  const location = `https://api.example.com:${site?.https}/orders?x=1`;
  for (const method of ['GET', 'HEAD']) assert.deepEqual(await redirect(method), { status: 301, location }, method);
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    assert.deepEqual(await redirect(method), { status: 308, location }, method);
  }
});
