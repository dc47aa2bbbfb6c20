// nginx on ports other than 80 and 443: the app must see the port the client used. `Host $host` and
// `X-Forwarded-Host $host` dropped it (nginx's $host never has a port), so an app that builds absolute URLs or
// redirects, or checks Origin against its host (CSRF, WebSocket origin checks), pointed at port 80 or 443 instead.
// No X-Forwarded-Port from $server_port: behind a port mapping (compose publishes nginx's 80 on 8080) it would name
// nginx's port, not the client's; the Host the client sent has the right one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import {
  freePorts,
  makeCertificate,
  makePrefix,
  nginxSkip,
  type RunningNginx,
  startNginx,
  startUpstream,
  testMain,
  type UpstreamHost,
} from './nginx-harness.js';

const skip = nginxSkip();
let host: UpstreamHost | undefined;
let nginx: RunningNginx | undefined;
let certDir = '';
let cert = '';
let http = 0;
let https = 0;

before(async () => {
  if (skip) return;
  host = await startUpstream('h1', '127.0.0.2');
  [http, https] = (await freePorts(2)) as [number, number];
  certDir = await makePrefix();
  const tls = makeCertificate(certDir);
  cert = readFileSync(tls.cert, 'utf8');
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          app: 'api',
          listen: { address: '127.0.0.1', port: http },
          upstream: { hosts: `${host.host}:${host.port}` },
          tls: { ...tls, port: https, redirect: false },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
  nginx = await startNginx(config, [http, https]);
});

after(async () => {
  await nginx?.stop();
  await host?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

interface Seen {
  headers: Record<string, string>;
}

// One raw request; resolves with the status line and the app's view of the request (when it answered).
function raw(head: string): Promise<{ status: string; seen: Seen | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = connect(http, '127.0.0.1');
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [top = '', body = ''] = response.split('\r\n\r\n');
      // The body may come chunked: the JSON is between its first "{" and last "}".
      const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
      resolve({ status: top.split('\r\n')[0] ?? '', seen: json ? (JSON.parse(json) as Seen) : undefined });
    });
    socket.write(head);
  });
}

function httpsSeen(): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: https, path: '/', ca: cert, servername: 'localhost' },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve(JSON.parse(text) as Seen));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('the app sees the host and port the client asked for, in Host and X-Forwarded-Host', { skip }, async () => {
  const plain = await raw(`GET / HTTP/1.1\r\nHost: api.example.com:${http}\r\nConnection: close\r\n\r\n`);
  assert.match(plain.status, / 200 /);
  assert.equal(plain.seen?.headers.host, `api.example.com:${http}`);
  assert.equal(plain.seen?.headers['x-forwarded-host'], `api.example.com:${http}`);
  assert.equal(plain.seen?.headers['x-forwarded-proto'], 'http');

  const secure = await httpsSeen();
  assert.equal(secure.headers.host, `127.0.0.1:${https}`);
  assert.equal(secure.headers['x-forwarded-host'], `127.0.0.1:${https}`);
  assert.equal(secure.headers['x-forwarded-proto'], 'https');

  // A client on the default port sends no port, and the app sees none.
  const bare = await raw('GET / HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n');
  assert.equal(bare.seen?.headers.host, 'api.example.com');
  assert.equal(bare.seen?.headers['x-forwarded-host'], 'api.example.com');
});

test('an HTTP/1.0 request without Host still reaches the app with a Host (it answers 400 without one)', {
  skip,
}, async () => {
  const old = await raw('GET / HTTP/1.0\r\n\r\n');
  assert.match(old.status, / 200 /);
  assert.ok(old.seen?.headers.host, JSON.stringify(old.seen?.headers));
});
