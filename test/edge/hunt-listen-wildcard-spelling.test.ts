// The listen-socket checks (one default server, TLS or not, http2 per socket, one owner per server name) keyed
// sockets by the address as written: `*` (no listen.address) and `0.0.0.0`, or `::` (listen.ipv6) and `0::0`/`[::]`,
// passed as two sockets, though nginx binds each pair as one (shown below: nginx -t refuses two default servers on
// `*:port` and `0.0.0.0:port`). Addresses are now compared in one spelling.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { rejects, site } from './config-checks.js';
import { makeCertificate, makePrefix, nginxSkip, nginxTest, testMain, withLocalLogs } from './nginx-harness.js';

const dir = await makePrefix();
const tls = { ...makeCertificate(dir), port: 18443 };
after(() => rm(dir, { recursive: true, force: true }));

test('`*` and 0.0.0.0 are one socket to the http2 and default-server checks', () => {
  rejects(
    {
      sites: [
        site({ app: 'api', serverName: 'api.example.com', tls }),
        site({
          app: 'legacy',
          serverName: 'legacy.example.com',
          listen: { port: 18081, address: '0.0.0.0' },
          tls: { ...tls, http2: false },
        }),
      ],
    },
    'sites[1].tls.http2',
    /port 18443/,
  );
  rejects(
    {
      sites: [
        site({ app: 'api', serverName: 'api.example.com', listen: { port: 18080, defaultServer: true } }),
        site({ app: 'web', listen: { port: 18080, address: '0.0.0.0', defaultServer: true } }),
      ],
    },
    'sites[1].listen.defaultServer',
  );
  rejects(
    {
      sites: [
        site({ app: 'api', serverName: 'example.com' }),
        site({ app: 'web', serverName: 'example.com', listen: { port: 18080, address: '0.0.0.0' } }),
      ],
    },
    'sites[1].serverName',
  );
});

test('`::` of listen.ipv6 and another spelling of it are one socket', () => {
  for (const address of ['0::0', '[::]', '0:0:0:0:0:0:0:0']) {
    rejects(
      {
        sites: [
          site({ app: 'api', serverName: 'api.example.com', listen: { port: 18080, ipv6: true }, tls }),
          site({
            app: 'legacy',
            serverName: 'legacy.example.com',
            listen: { port: 18081, address },
            tls: { ...tls, http2: false },
          }),
        ],
      },
      'sites[1].tls.http2',
      /:: port 18443/,
    );
  }
  rejects(
    {
      sites: [
        site({ app: 'api', serverName: 'api.example.com', listen: { port: 18080, address: '0::0' }, tls }),
        site({ app: 'web', serverName: 'web.example.com', listen: { port: 18443, address: '::' } }),
      ],
    },
    'sites[1].listen.port',
    /one with TLS and one without/,
  );
});

test('nginx itself: two default servers on `*:port` and `0.0.0.0:port` collide', { skip: nginxSkip() }, () => {
  const first = generateNginxConfig(
    { main: testMain, sites: [site({ app: 'api', listen: { port: 18080, defaultServer: true } })] },
    { shape: 'full', checkFiles: false },
  );
  const second = generateNginxConfig(
    { sites: [site({ app: 'web', listen: { port: 18080, address: '0.0.0.0', defaultServer: true } })] },
    { checkFiles: false },
  );
  const conf = join(dir, 'both.conf');
  writeFileSync(conf, withLocalLogs(first.replace(/\}\n$/, `${second}}\n`), dir));
  const result = nginxTest(dir, conf);
  assert.notEqual(result.status, 0, result.output);
  assert.match(result.output, /duplicate default server/, result.output);
});
