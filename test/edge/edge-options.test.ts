// Bad edge options are rejected at the door with a typed error naming the key, before anything is rendered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as edgePackage from 'hive/edge';
import {
  EdgeOptionError,
  generateNginxConfig,
  parseHostList,
  resolveEdgeSite,
  type SiteInput,
} from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';

function rejects(input: SiteInput, code: string, key: string, message?: RegExp): void {
  assert.throws(
    () => generateNginxConfig({ sites: [input] }),
    (error: unknown) => {
      assert.ok(error instanceof HiveError, `expected a HiveError, got ${String(error)}`);
      assert.equal(error.code, code);
      assert.equal((error as HiveError & { key: string }).key, key);
      assert.ok(error.message.includes(key), `message names the key: ${error.message}`);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

test('bad ports and unknown options name the key and the value', () => {
  rejects(
    { app: 'api', upstream: { port: 0 } },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].upstream.port',
    /0 \(number\)/,
  );
  rejects({ app: 'api', upstream: { port: 70000 } }, 'ERR_HIVE_EDGE_INVALID_OPTION', 'sites[0].upstream.port');
  rejects(
    { app: 'api', upstream: { port: 3000 }, listen: { port: 1.5 } },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].listen.port',
  );
  rejects(
    { app: 'api', upstream: { port: 3000 }, timeouts: { read: '5 s' } },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].timeouts.read',
    /"5 s"/,
  );
  rejects(
    { app: 'api', upstream: { port: 3000 }, clientMaxBodySize: '1 TB' },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].clientMaxBodySize',
  );
  rejects(
    { app: 'api', upstream: { port: 3000 }, rateLimit: { rate: 'fast' } },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].rateLimit.rate',
  );
  rejects(
    { app: 'api', upstream: { port: 3000, balance: 'random' } },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].upstream.balance',
  );
  rejects({ app: 'api; evil', upstream: { port: 3000 } } as SiteInput, 'ERR_HIVE_EDGE_INVALID_OPTION', 'sites[0].app');
  rejects(
    { app: 'api', upstream: { port: 3000 }, bogus: true } as unknown as SiteInput,
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].bogus',
    /unknown option/,
  );
});

test('host lists: bad addresses, bad ports, duplicates, empty', () => {
  const hostError = 'ERR_HIVE_EDGE_INVALID_HOST';
  rejects(
    { app: 'api', upstream: { hosts: '10.0.0.5:3000,10.0.0.256:3000' } },
    hostError,
    'sites[0].upstream.hosts[1]',
  );
  rejects({ app: 'api', upstream: { hosts: '10.0.0.5' } }, hostError, 'sites[0].upstream.hosts[0]', /host:port/);
  rejects({ app: 'api', upstream: { hosts: 'app_1.internal:3000' } }, hostError, 'sites[0].upstream.hosts[0]');
  rejects({ app: 'api', upstream: { hosts: '10.0.0.5:99999' } }, hostError, 'sites[0].upstream.hosts[0]', /99999/);
  rejects({ app: 'api', upstream: { hosts: 'fd00::1:3000' } }, hostError, 'sites[0].upstream.hosts[0]', /brackets/);
  // A URL pasted in: its scheme's colon read as an IPv6 address's, and the message told to add brackets.
  rejects(
    { app: 'api', upstream: { hosts: 'http://example' } },
    hostError,
    'sites[0].upstream.hosts[0]',
    /"http:\/\/example": drop the scheme \(http:\/\/\): an upstream host is host:port, such as example:3000$/,
  );
  rejects(
    { app: 'api', upstream: { hosts: 'https://app-2.internal:8443/api' } },
    hostError,
    'sites[0].upstream.hosts[0]',
    /drop the scheme \(https:\/\/\).* such as app-2\.internal:8443$/,
  );
  rejects({ app: 'api', upstream: { hosts: 'a:1,A:1' } }, hostError, 'sites[0].upstream.hosts[1]', /twice/);
  rejects({ app: 'api', upstream: { hosts: ' , ' } }, hostError, 'sites[0].upstream.hosts', /empty/);
  rejects({ app: 'api', upstream: { port: 3000, hosts: '127.0.0.1:3000' } }, hostError, 'sites[0].upstream.hosts');
  assert.deepEqual(parseHostList('10.0.0.5:3000, app-2.internal:3001,[fd00::7]:3002'), [
    { host: '10.0.0.5', port: 3000 },
    { host: 'app-2.internal', port: 3001 },
    { host: 'fd00::7', port: 3002 },
  ]);
});

test('an app without any upstream is rejected', () => {
  rejects({ app: 'api' }, 'ERR_HIVE_EDGE_NO_UPSTREAM', 'sites[0].upstream', /upstream\.port .*upstream\.socket/);
});

test('a sticky app with a balancing mode that spreads clients is rejected; hash:ip is its default', () => {
  for (const balance of ['round_robin', 'least_conn']) {
    rejects(
      { app: 'chat', sticky: true, upstream: { port: 3000, balance } },
      'ERR_HIVE_EDGE_BALANCE_CONFLICT',
      'sites[0].upstream.balance',
      /hash:ip/,
    );
  }
  assert.equal(resolveEdgeSite({ app: 'chat', sticky: true, upstream: { port: 3000 } }).upstream.balance, 'hash:ip');
  assert.match(
    generateNginxConfig({ sites: [{ app: 'chat', sticky: 'ip', upstream: { port: 3000 } }] }),
    /hash \$remote_addr consistent;/,
  );
  assert.equal(resolveEdgeSite({ app: 'api', upstream: { port: 3000 } }).upstream.balance, 'round_robin');
  const hashed = generateNginxConfig({
    sites: [{ app: 'chat', sticky: true, upstream: { port: 3000, balance: 'hash:header:X-User-Id' } }],
  });
  assert.match(
    hashed,
    /map \$http_x_user_id \$hive_chat_sticky_key[^}]*default \$http_x_user_id;[\s\S]*hash \$hive_chat_sticky_key consistent;/,
  );
});

test('missing TLS files are reported before anything is rendered, resolved like nginx does', () => {
  rejects(
    { app: 'api', upstream: { port: 3000 }, tls: { cert: 'no/such/cert.pem', key: 'no/such/key.pem' } },
    'ERR_HIVE_EDGE_TLS_FILE',
    'sites[0].tls.cert',
    /no\/such\/cert\.pem/,
  );
  // Rendering for another machine can skip the check.
  const output = generateNginxConfig(
    { sites: [{ app: 'api', upstream: { port: 3000 }, tls: { cert: '/etc/x/cert.pem', key: '/etc/x/key.pem' } }] },
    { checkFiles: false },
  );
  assert.match(output, /ssl_certificate \/etc\/x\/cert\.pem;/);
  assert.match(output, /location \^~ \/\.well-known\/acme-challenge\//);
  assert.match(output, /return 301 https:\/\/\$host\$request_uri;/);
});

test('two sites with the same app name are rejected', () => {
  assert.throws(
    () =>
      generateNginxConfig({
        sites: [
          { app: 'api', upstream: { port: 3000 } },
          { app: 'API', upstream: { port: 3001 } },
        ],
      }),
    (error: unknown) => error instanceof EdgeOptionError && error.key === 'sites[1].app',
  );
});

test('keep-alive and WebSocket upgrade coexist: Connection comes from the $http_upgrade map', () => {
  const output = generateNginxConfig({ sites: [{ app: 'api', upstream: { port: 3000 } }] });
  // Only a WebSocket's Upgrade, in any case, is forwarded (hunt-upgrade-h2c runs it through real nginx).
  assert.match(output, /map \$http_upgrade \$hive_api_connection \{\n\s+default '';\n\s+"~\*\^websocket\$" upgrade;/);
  assert.match(
    output,
    /map \$http_upgrade \$hive_api_upgrade \{\n\s+default '';\n\s+"~\*\^websocket\$" \$http_upgrade;/,
  );
  assert.match(output, /proxy_set_header Upgrade \$hive_api_upgrade;/);
  assert.match(output, /proxy_set_header Connection \$hive_api_connection;/);
  assert.doesNotMatch(output, /proxy_set_header Connection ['"]?upgrade/);
  assert.match(output, /proxy_http_version 1\.1;/);
  assert.match(output, /keepalive 32;/);
});

test('the TLS ciphers name no DHE suite, which nginx never offers without ssl_dhparam', () => {
  const output = generateNginxConfig(
    { sites: [{ app: 'api', upstream: { port: 3000 }, tls: { cert: '/c.pem', key: '/k.pem' } }] },
    { checkFiles: false },
  );
  const ciphers = /ssl_ciphers ([^;]+);/.exec(output)?.[1] ?? '';
  assert.match(ciphers, /^ECDHE-/);
  assert.deepEqual(
    ciphers.split(':').filter((suite) => !suite.startsWith('ECDHE-')),
    [],
  );
});

test('the package exports the generator as hive/edge', () => {
  assert.equal(edgePackage.generateNginxConfig, generateNginxConfig);
  assert.equal(typeof edgePackage.renderDeployRecipe, 'function');
});

test('a sticky app gets no upstream keep-alive, and X-Real-IP stickiness maps to hash:ip at nginx', () => {
  const sticky = resolveEdgeSite({ app: 'chat', sticky: 'header:X-Real-IP', upstream: { port: 3000 } });
  assert.equal(sticky.upstream.keepalive, 0);
  assert.equal(sticky.upstream.balance, 'hash:ip');
  const output = generateNginxConfig({ sites: [{ app: 'chat', sticky: 'cookie:sid', upstream: { port: 3000 } }] });
  assert.doesNotMatch(output, /^\s*keepalive /m);
  assert.match(output, /hash \$hive_chat_sticky_key consistent;/);
  // The map still sends "upgrade" on WebSocket handshakes.
  assert.match(output, /proxy_set_header Connection \$hive_chat_connection;/);
  assert.equal(resolveEdgeSite({ app: 'api', upstream: { port: 3000 } }).upstream.keepalive, 32);
});

test('a Unix socket is the local server: unix:<path> in place of the port, hosts still beside it', () => {
  const output = generateNginxConfig({
    sites: [{ app: 'api', upstream: { port: 3000, socket: '/run/hive/api.sock', hosts: '10.0.0.5:3000' } }],
  });
  assert.match(output, /upstream hive_api \{\n\s+server unix:\/run\/hive\/api\.sock max_fails=3 fail_timeout=10s;\n/);
  assert.match(output, /server 10\.0\.0\.5:3000 max_fails=3 fail_timeout=10s;/);
  // nginx runs beside the cluster: the port it also listens on is not a second way in.
  assert.doesNotMatch(output, /server 127\.0\.0\.1:3000/);
  assert.match(output, /keepalive 32;/);
  assert.deepEqual(resolveEdgeSite({ app: 'api', upstream: { socket: '/run/hive/api.sock' } }).upstream.servers, [
    { socket: '/run/hive/api.sock' },
  ]);
  // Same local cluster over TCP next to its socket would double its share.
  rejects(
    { app: 'api', upstream: { port: 3000, socket: '/run/hive/api.sock', hosts: '127.0.0.1:3000' } },
    'ERR_HIVE_EDGE_INVALID_HOST',
    'sites[0].upstream.hosts',
    /repeats the local cluster port/,
  );
});

test('a sticky app cannot use a socket: the cluster keeps clients on their process only on its port', () => {
  rejects(
    { app: 'chat', sticky: 'cookie:sid', upstream: { port: 3000, socket: '/run/hive/chat.sock' } },
    'ERR_HIVE_EDGE_INVALID_OPTION',
    'sites[0].upstream.socket',
    /sticky/,
  );
  assert.equal(
    resolveEdgeSite({ app: 'chat', sticky: false, upstream: { socket: '/run/c.sock' } }).upstream.keepalive,
    32,
  );
});

test('a socket path must be absolute, plain and fit in sun_path (107 bytes)', () => {
  const key = 'sites[0].upstream.socket';
  const option = 'ERR_HIVE_EDGE_INVALID_OPTION';
  rejects({ app: 'api', upstream: { socket: 'run/api.sock' } }, option, key, /absolute path.*"run\/api\.sock"/);
  for (const socket of ['/run/my api.sock', '/run/api.sock;', '/run/{api}.sock', '/run/"api".sock', '/', '']) {
    rejects({ app: 'api', upstream: { socket } }, option, key);
  }
  const fits = `/${'s'.repeat(106)}`;
  assert.equal(resolveEdgeSite({ app: 'api', upstream: { socket: fits } }).upstream.servers.length, 1);
  rejects({ app: 'api', upstream: { socket: `${fits}s` } }, option, key, /at most 107 bytes/);
  // Bytes, not characters: "é" takes two in the kernel's sun_path.
  rejects({ app: 'api', upstream: { socket: `/${'é'.repeat(54)}` } }, option, key, /107 bytes/);
});
