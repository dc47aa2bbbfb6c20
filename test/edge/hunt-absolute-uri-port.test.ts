// `GET http://app.example.com:8080/ HTTP/1.1` reached the app with Host (and X-Forwarded-Host) app.example.com: the
// port was lost. An absolute URI in the request line replaces Host (RFC 9112, 3.2.2), and nginx's $host is its name
// only, so the Host header's port, if any, was the wrong one to keep and the URI's was dropped. The port is now taken
// from the request line ($request), under the same rule as the Host header's: exactly $host plus a numeric port.
// hunt-forwarded-host-spoof.test.ts holds the spoofing cases, which must keep failing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import {
  freePort,
  nginxSkip,
  type RunningNginx,
  rawRequest,
  startNginx,
  startUpstream,
  testMain,
  type UpstreamHost,
} from './nginx-harness.js';

const skip = nginxSkip();
let host: UpstreamHost | undefined;
let nginx: RunningNginx | undefined;
let port = 0;

before(async () => {
  if (skip) return;
  host = await startUpstream('h1', '127.0.0.2');
  port = await freePort();
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'api',
          serverName: ['app.example.com', '127.0.0.1'],
          listen: { address: '127.0.0.1', port },
          upstream: { hosts: `${host.host}:${host.port}` },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, [port]);
});

after(async () => {
  await nginx?.stop();
  await host?.stop();
});

async function seenHost(requestLine: string, hostHeader?: string): Promise<{ host?: string; forwarded?: string }> {
  const head = `${requestLine}\r\n${hostHeader === undefined ? '' : `Host: ${hostHeader}\r\n`}Connection: close\r\n\r\n`;
  const response = await rawRequest(port, head);
  assert.match(response.status, / 200 /, `${requestLine}: ${response.status}`);
  return { host: response.seen?.headers.host, forwarded: response.seen?.headers['x-forwarded-host'] };
}

const both = (value: string) => ({ host: value, forwarded: value });

test('the port of an absolute URI reaches the app in Host and X-Forwarded-Host', { skip }, async () => {
  assert.deepEqual(
    await seenHost('GET http://app.example.com:8080/ HTTP/1.1', 'app.example.com:8080'),
    both('app.example.com:8080'),
  );
  assert.deepEqual(await seenHost('GET http://app.example.com:8080/a?b=1 HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('GET http://App.Example.com:8080/ HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('GET http://App.Example.com/ HTTP/1.1', 'x'), both('app.example.com'));
  assert.deepEqual(await seenHost('GET http://127.0.0.1:8080/ HTTP/1.1', '127.0.0.1'), both('127.0.0.1:8080'));
  // An IPv6 literal: nginx's $host keeps its brackets.
  assert.deepEqual(await seenHost('GET http://[::1]:8080/ HTTP/1.1', 'x'), both('[::1]:8080'));
  assert.deepEqual(
    await seenHost(`POST https://app.example.com:${port}/ HTTP/1.1`, 'x'),
    both(`app.example.com:${port}`),
  );
});

test("the absolute URI's authority wins over the Host header's port, as RFC 9112 says", { skip }, async () => {
  assert.deepEqual(
    await seenHost('GET http://app.example.com/ HTTP/1.1', 'app.example.com:9999'),
    both('app.example.com'),
  );
  assert.deepEqual(
    await seenHost('GET http://app.example.com:8080/ HTTP/1.1', 'app.example.com:9999'),
    both('app.example.com:8080'),
  );
});

test('an absolute URI whose port is out of 1-65535, or has a leading zero, does not forward it', { skip }, async () => {
  for (const line of [
    'GET http://app.example.com:65536/ HTTP/1.1',
    'GET http://app.example.com:99999/ HTTP/1.1',
    'GET http://app.example.com:0080/ HTTP/1.1',
    'GET http://app.example.com:0/ HTTP/1.1',
  ]) {
    assert.deepEqual(await seenHost(line, 'app.example.com'), both('app.example.com'), line);
  }
});

test('a request line nginx does not parse as an authority plus a port never reaches the app', { skip }, async () => {
  for (const line of [
    'GET http://app.example.com:8080@evil.com/ HTTP/1.1',
    'GET http://evil.com@app.example.com:8080/ HTTP/1.1',
    'GET http://app.example.com:80x/ HTTP/1.1',
  ]) {
    const response = await rawRequest(port, `${line}\r\nHost: app.example.com\r\nConnection: close\r\n\r\n`);
    assert.match(response.status, / 400 /, `${line}: ${response.status}`);
  }
});

test('a | in the path of an ordinary request leaves the Host rule as it was', { skip }, async () => {
  assert.deepEqual(
    await seenHost('GET /a|GET%20http://evil.com:1/|evil.com HTTP/1.1', `app.example.com:${port}`),
    both(`app.example.com:${port}`),
  );
  assert.deepEqual(await seenHost('GET /x|y HTTP/1.1', 'app.example.com:@evil.com'), both('app.example.com'));
});
