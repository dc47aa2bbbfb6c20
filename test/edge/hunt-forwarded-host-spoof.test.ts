// Host and X-Forwarded-Host carry the client's Host with its port only when it is the server's host plus a numeric
// port. nginx matches server_name on the part before ':' and checks nothing after it, so `app.example.com:@evil.com`
// reached the app as is, and `new URL(req.url, 'http://' + req.headers.host)` then has hostname evil.com (poisoned
// reset links, open redirects, poisoned caches). A request line with an absolute URI routes by the URI's host while
// $http_host still is the Host header's. Both now fall back to $host.
// With the only (thus default) server on its socket, nginx takes any Host its validate_host lets through, `@ " < > |`
// among them: `app.example.com@evil.com` reached the app as Host and X-Forwarded-Host. A $host that is not a host name
// now gets 400 (RFC 9112, 3.2), in the compose recipe's config (server_name _) too. The forwarded name is $host, the
// lower-cased one, whatever case the client wrote.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateNginxConfig, renderComposeNginx, resolveDeployOptions } from '../../dist/edge/index.js';
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
let compose: RunningNginx | undefined;
let port = 0;
let composePort = 0;

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
          serverName: ['app.example.com'],
          listen: { address: '127.0.0.1', port },
          upstream: { hosts: `${host.host}:${host.port}` },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, [port]);
  // The compose recipe's own nginx.conf, on a loopback port and with this test's upstream for `app:3000`.
  composePort = await freePort();
  const composeConfig = renderComposeNginx(resolveDeployOptions({ app: 'api' }, 'compose'))
    .replace('listen 80 default_server', `listen 127.0.0.1:${composePort} default_server`)
    .replace('server app:3000 ', `server ${host.host}:${host.port} `)
    .replace('pid /var/run/nginx.pid', 'pid nginx.pid')
    .replace('worker_processes auto', 'worker_processes 1')
    .replaceAll('/var/log/nginx/access.log', 'access.log');
  compose = await startNginx(composeConfig, [composePort]);
});

after(async () => {
  await nginx?.stop();
  await compose?.stop();
  await host?.stop();
});

const raw = (head: string) => rawRequest(port, head);

async function seenHost(head: string): Promise<{ host: string | undefined; forwarded: string | undefined }> {
  const response = await raw(head);
  assert.match(response.status, / 200 /, response.status);
  return { host: response.seen?.headers.host, forwarded: response.seen?.headers['x-forwarded-host'] };
}

test('a Host with junk after the colon reaches the app as the server name', { skip }, async () => {
  for (const spoof of ['app.example.com:@evil.com', 'app.example.com:80@evil.com', 'app.example.com:x']) {
    const seen = await seenHost(`GET / HTTP/1.1\r\nHost: ${spoof}\r\nConnection: close\r\n\r\n`);
    assert.deepEqual(seen, { host: 'app.example.com', forwarded: 'app.example.com' }, spoof);
  }
});

test('an absolute URI in the request line wins over a different Host header', { skip }, async () => {
  const seen = await seenHost('GET http://app.example.com/ HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n');
  assert.deepEqual(seen, { host: 'app.example.com', forwarded: 'app.example.com' });
});

test('a Host that is the server name plus a port keeps its port, in lower case', { skip }, async () => {
  const seen = await seenHost(`GET / HTTP/1.1\r\nHost: app.example.com:${port}\r\nConnection: close\r\n\r\n`);
  assert.deepEqual(seen, { host: `app.example.com:${port}`, forwarded: `app.example.com:${port}` });
  const upper = await seenHost(`GET / HTTP/1.1\r\nHost: App.Example.COM:${port}\r\nConnection: close\r\n\r\n`);
  assert.deepEqual(upper, { host: `app.example.com:${port}`, forwarded: `app.example.com:${port}` });
});

// `Host: app.example.com.:8080` forwarded app.example.com, without the port, while an absolute URI with a trailing dot
// kept its port: nginx drops the dot from $host, and the rule did not allow it in the header.
test('a Host with a trailing dot after the name keeps its port, as an absolute URI does', { skip }, async () => {
  for (const target of [port, composePort]) {
    for (const [sent, forwarded] of [
      [`app.example.com.:${target}`, `app.example.com:${target}`],
      ['App.Example.COM.:8080', 'app.example.com:8080'],
      ['app.example.com.', 'app.example.com'],
      ['app.example.com.:65536', 'app.example.com'],
    ]) {
      const response = await rawRequest(target, `GET / HTTP/1.1\r\nHost: ${sent}\r\nConnection: close\r\n\r\n`);
      assert.match(response.status, / 200 /, `${sent}: ${response.status}`);
      const seen = { host: response.seen?.headers.host, forwarded: response.seen?.headers['x-forwarded-host'] };
      assert.deepEqual(seen, { host: forwarded, forwarded }, `${target} ${sent}`);
    }
  }
});

// Hosts nginx's validate_host takes (no `/`, `\0`, control or space) that a URL parser reads as another host.
const kSpoofs = ['app.example.com@evil.com', 'app.example.com@evil.com:8080', 'evil.com"<x>', 'app.example.com|x'];

test('a Host that is not a host name gets 400, never reaching the app', { skip }, async () => {
  for (const target of [port, composePort]) {
    for (const spoof of kSpoofs) {
      const response = await rawRequest(target, `GET / HTTP/1.1\r\nHost: ${spoof}\r\nConnection: close\r\n\r\n`);
      assert.match(response.status, / 400 /, `${target} ${spoof}: ${response.status} ${JSON.stringify(response.seen)}`);
    }
  }
});

test('a port out of 1-65535, or with a leading zero, is not forwarded', { skip }, async () => {
  for (const target of [port, composePort]) {
    for (const spoof of [
      'app.example.com:65536',
      'app.example.com:99999',
      'app.example.com:0080',
      'app.example.com:0',
    ]) {
      const response = await rawRequest(target, `GET / HTTP/1.1\r\nHost: ${spoof}\r\nConnection: close\r\n\r\n`);
      assert.match(response.status, / 200 /, `${spoof}: ${response.status}`);
      const seen = { host: response.seen?.headers.host, forwarded: response.seen?.headers['x-forwarded-host'] };
      assert.deepEqual(seen, { host: 'app.example.com', forwarded: 'app.example.com' }, `${target} ${spoof}`);
    }
  }
});

test('a request without Host (HTTP/1.0) gets the server name', { skip }, async () => {
  const seen = await seenHost('GET / HTTP/1.0\r\n\r\n');
  assert.deepEqual(seen, { host: 'app.example.com', forwarded: 'app.example.com' });
});
