// The configs checked in as golden files (test/fixtures/edge/<name>.conf). TLS paths are relative: nginx resolves
// them against the config file's directory, where the golden test puts a freshly made certificate.
import type { EdgeConfigInput } from '../../dist/edge/index.js';

export interface GoldenCase {
  name: string;
  shape: 'site' | 'full';
  input: EdgeConfigInput;
}

export const goldenCases: GoldenCase[] = [
  {
    name: 'local-cluster',
    shape: 'site',
    input: { sites: [{ app: 'api', upstream: { port: 3000 } }] },
  },
  {
    name: 'multi-host',
    shape: 'site',
    input: {
      sites: [
        {
          app: 'api',
          serverName: 'api.example.com',
          upstream: {
            port: 3000,
            hosts: '10.0.0.5:3000,10.0.0.6:3000,[fd00::7]:3000',
            balance: 'least_conn',
            maxFails: 2,
            failTimeout: '5s',
          },
          retries: { tries: 2, timeout: '5s' },
          timeouts: { connect: '2s', read: '30s', send: '30s' },
          clientMaxBodySize: '10m',
          rateLimit: { rate: '50r/s', burst: 100 },
        },
      ],
    },
  },
  {
    name: 'sticky-websocket',
    shape: 'site',
    input: {
      sites: [
        {
          app: 'chat',
          sticky: true,
          upstream: { hosts: ['10.0.0.5:3000', '10.0.0.6:3000'], balance: 'hash:cookie:hive_sid' },
          timeouts: { read: '1h' },
          gzip: false,
        },
      ],
    },
  },
  {
    // `hive run --socket` on this machine, other hosts over TCP; the socket takes the local port's place.
    name: 'unix-socket',
    shape: 'site',
    input: {
      sites: [
        {
          app: 'api',
          upstream: { port: 3000, socket: '/run/hive/api.sock', hosts: '10.0.0.5:3000', balance: 'least_conn' },
        },
      ],
    },
  },
  {
    name: 'tls',
    shape: 'site',
    input: {
      sites: [
        {
          app: 'shop',
          serverName: ['shop.example.com', 'www.shop.example.com'],
          upstream: { port: 3000 },
          tls: { cert: 'tls/cert.pem', key: 'tls/key.pem', hsts: { includeSubDomains: true } },
          static: { location: '/assets/', root: '/srv/shop/public' },
        },
      ],
    },
  },
  {
    name: 'full',
    shape: 'full',
    input: {
      sites: [
        { app: 'api', serverName: 'api.example.com', upstream: { port: 3000 } },
        { app: 'chat', serverName: 'chat.example.com', sticky: true, upstream: { port: 3001 } },
      ],
    },
  },
];
