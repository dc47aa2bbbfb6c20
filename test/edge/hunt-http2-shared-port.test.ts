// nginx keeps `http2` per listening socket, not per server: when two apps share a TLS port and one turns HTTP/2 on,
// nginx speaks it for both, silently (shown below with two separately generated site files in one nginx). Hive now
// refuses such a config with ERR_HIVE_EDGE_INVALID_OPTION naming both apps and the port.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { connect } from 'node:tls';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxChecker, rejects, site } from './config-checks.js';
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

// Every await before the first hook or test (see hunt-listen-ipv6.test.ts).
const tlsDir = await makePrefix();
const files = makeCertificate(tlsDir);
const passesNginx = nginxChecker();
const tls = { ...files, port: 18443 };

test('two apps on one TLS port with different tls.http2 are refused, naming both apps and the port', () => {
  rejects(
    {
      sites: [
        site({ app: 'api', serverName: 'api.example.com', tls }),
        site({ app: 'legacy', serverName: 'legacy.example.com', tls: { ...tls, http2: false } }),
      ],
    },
    'sites[1].tls.http2',
    /app "legacy" and app "api" \(sites\[0\]\).*port 18443.*HTTP\/2/,
  );
  // The [::] socket of listen.ipv6 too, where the IPv4 sockets differ.
  rejects(
    {
      sites: [
        site({ app: 'api', serverName: 'api.example.com', listen: { port: 18080, address: '::' }, tls }),
        site({ app: 'legacy', listen: { port: 18081, ipv6: true }, tls: { ...tls, http2: false } }),
      ],
    },
    'sites[1].tls.http2',
    /:: port 18443/,
  );
});

test('the same tls.http2 on a shared port, or different ones on different ports, pass nginx -t', () => {
  for (const http2 of [true, false]) {
    passesNginx({
      sites: [
        site({ app: 'api', serverName: 'api.example.com', tls: { ...tls, http2 } }),
        site({ app: 'web', serverName: 'web.example.com', tls: { ...tls, http2 } }),
      ],
    });
  }
  passesNginx({
    sites: [
      site({ app: 'api', tls }),
      site({ app: 'legacy', listen: { port: 18081 }, tls: { ...tls, port: 18444, http2: false } }),
    ],
  });
});

// Why: the check cannot see two files generated separately, so nginx's behaviour is shown on exactly that.
const skip = nginxSkip();
let host: UpstreamHost | undefined;
let nginx: RunningNginx | undefined;
let https = 0;

before(async () => {
  if (skip) return;
  host = await startUpstream('h1', '127.0.0.2');
  const [httpA, httpB, port] = (await freePorts(3)) as [number, number, number];
  https = port;
  const upstream = { hosts: `${host.host}:${host.port}` };
  const common = { upstream, accessLog: false as const };
  const full = generateNginxConfig(
    {
      main: testMain,
      sites: [
        {
          ...common,
          app: 'api',
          serverName: 'api.example.com',
          listen: { address: '127.0.0.1', port: httpA },
          tls: { ...files, port: https },
        },
      ],
    },
    { shape: 'full' },
  );
  const legacy = generateNginxConfig(
    {
      sites: [
        {
          ...common,
          app: 'legacy',
          serverName: 'legacy.example.com',
          listen: { address: '127.0.0.1', port: httpB },
          tls: { ...files, port: https, http2: false },
        },
      ],
    },
    { checkFiles: false },
  );
  nginx = await startNginx(full.replace(/\}\n$/, `${legacy}}\n`), [httpA, httpB, https]);
});

after(async () => {
  await nginx?.stop();
  await host?.stop();
  await rm(tlsDir, { recursive: true, force: true });
});

function alpn(servername: string): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: https, servername, ALPNProtocols: ['h2', 'http/1.1'], rejectUnauthorized: false },
      () => {
        resolve(socket.alpnProtocol ?? false);
        socket.end();
      },
    );
    socket.once('error', reject);
  });
}

test('nginx itself: an app with http2 off speaks HTTP/2 when another app on its port has it on', { skip }, async () => {
  assert.equal(await alpn('api.example.com'), 'h2');
  assert.equal(await alpn('legacy.example.com'), 'h2', 'nginx now keeps http2 per server: revisit the check');
});
