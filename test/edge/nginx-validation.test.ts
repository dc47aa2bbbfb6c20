// Inputs that once passed the schema yet gave a config nginx rejects (or worse, a config with injected directives):
// each is now refused at the door with a typed error naming the key, and its valid neighbours pass `nginx -t`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SiteInput } from '../../dist/edge/index.js';
import { nginxChecker, rejects, site } from './config-checks.js';

const passesNginx = nginxChecker();

test('listen.address takes an IP address or a host name, nothing that could add directives', () => {
  const key = 'sites[0].listen.address';
  for (const address of [
    '127.0.0.1:1 ; foo',
    '127.0.0.1;',
    'a b',
    '[127.0.0.1]',
    '10.0.0.256',
    '::1]',
    'fe80::1%eth0',
    '',
    '-a',
  ]) {
    rejects({ sites: [site({ listen: { port: 18080, address } })] }, key, /IP address or a host name/);
  }
  for (const [address, rendered] of [
    ['127.0.0.1', 'listen 127.0.0.1:18080;'],
    ['::1', 'listen [::1]:18080;'],
    ['[::1]', 'listen [::1]:18080;'],
    ['localhost', 'listen localhost:18080;'],
  ] as const) {
    const output = passesNginx({ sites: [site({ listen: { port: 18080, address } })] });
    assert.ok(output.includes(rendered), `${address}: ${output}`);
  }
});

test('fail_timeout and expires take whole seconds: a duration in ms is refused for them', () => {
  rejects(
    { sites: [site({ upstream: { port: 3000, failTimeout: '500ms' } })] },
    'sites[0].upstream.failTimeout',
    /whole seconds.*"500ms"/,
  );
  rejects(
    { sites: [site({ static: { location: '/s/', root: '/srv/x', maxAge: '500ms' } })] },
    'sites[0].static.maxAge',
    /whole seconds.*"500ms"/,
  );
  const output = passesNginx({
    sites: [
      site({
        upstream: { port: 3000, failTimeout: '1m', keepaliveTimeout: '500ms' },
        static: { location: '/s/', root: '/srv/x', maxAge: 30 },
        retries: { timeout: '500ms' },
        // Below the retry time limit, or no connect timeout would ever be retried (hunt-connect-timeout).
        timeouts: { connect: '200ms' },
      }),
    ],
  });
  assert.match(output, /fail_timeout=1m;/);
  assert.match(output, /expires 30s;/);
});

test('a rate-limit zone is at least 32k, in bytes, k or m, and its rate at least 1r/s or 1r/m', () => {
  const limited = (rateLimit: { rate: string; zoneSize?: string | number }) => ({ sites: [site({ rateLimit })] });
  for (const zoneSize of [0, '1k', '31k', 32767, '1g', '1.5m', '5000m', -1]) {
    rejects(limited({ rate: '10r/s', zoneSize }), 'sites[0].rateLimit.zoneSize', /at least 32k/);
  }
  for (const rate of ['0r/s', '00r/m', '99999999999999999999r/s']) {
    rejects(limited({ rate }), 'sites[0].rateLimit.rate', /at least 1/);
  }
  for (const [rate, zoneSize] of [
    ['1r/s', '32k'],
    ['1r/m', 32768],
    ['600r/m', '1M'],
    ['10r/s', '10m'],
  ] as const) {
    const output = passesNginx(limited({ rate, zoneSize }));
    assert.ok(output.includes(`:${zoneSize} rate=${rate};`), output);
  }
});

test('a ~regex server name is quoted, so braces and semicolons in it stay inside the name', () => {
  const names = ['~^a{2}\\.example\\.com$', '~^(?<sub>[a-z]+)\\.example\\.net$', '~^x;"y"\\.example\\.org$'];
  const output = passesNginx({
    sites: [
      site({ serverName: names }),
      site({ app: 'web', tls: undefined, listen: { port: 18081 }, serverName: 'www.example.com' }),
    ],
  });
  assert.ok(
    output.includes(
      'server_name "~^a{2}\\\\.example\\\\.com$" "~^(?<sub>[a-z]+)\\\\.example\\\\.net$" "~^x;\\"y\\"\\\\.example\\\\.org$";',
    ),
    output,
  );
  assert.match(output, /server_name www\.example\.com;/);
  // A name is one token: whitespace in it (possible in the array form) would split it.
  rejects({ sites: [site({ serverName: ['~^a b$'] })] }, 'sites[0].serverName[0]', /~regex/);
});

test('two apps answering the same server name on the same address and port are refused, naming both', () => {
  const key = 'sites[1].serverName';
  rejects({ sites: [site(), site({ app: 'web' })] }, key, /"web".*"api".*"_".*18080.*give each app its own serverName/);
  rejects(
    {
      sites: [
        site({ serverName: 'a.example.com www.example.com' }),
        site({ app: 'web', serverName: 'WWW.example.com' }),
      ],
    },
    key,
    /"www\.example\.com"/,
  );
  // The HTTP server of a TLS app (its redirect) takes the name on listen.port too.
  rejects(
    {
      sites: [
        site({ serverName: 'a.example.com', tls: { cert: '/c.pem', key: '/k.pem', port: 18443 } }),
        site({ app: 'web', serverName: 'a.example.com' }),
      ],
    },
    key,
  );
  rejects(
    {
      sites: [
        site({
          serverName: 'a.example.com',
          listen: { port: 18081 },
          tls: { cert: '/c.pem', key: '/k.pem', port: 18443 },
        }),
        site({
          app: 'web',
          serverName: 'a.example.com',
          listen: { port: 18082 },
          tls: { cert: '/c.pem', key: '/k.pem', port: 18443 },
        }),
      ],
    },
    key,
  );
  // Same name on another port or address, or another name on the same port: nginx tells them apart.
  passesNginx({
    sites: [
      site(),
      site({ app: 'web', listen: { port: 18081 } }),
      site({ app: 'admin', listen: { port: 18080, address: '127.0.0.1' } }),
      site({ app: 'docs', serverName: 'docs.example.com' }),
    ],
  });
});

test('one address and port takes one default server, and is either plain HTTP or TLS', () => {
  const tls = { cert: '/c.pem', key: '/k.pem' };
  rejects(
    {
      sites: [
        site({ listen: { port: 18080, defaultServer: true } }),
        site({ app: 'web', serverName: 'web.example.com', listen: { port: 18080, defaultServer: true } }),
      ],
    },
    'sites[1].listen.defaultServer',
    /"web".*"api".*18080/,
  );
  rejects({ sites: [site({ tls: { ...tls, port: 18080 } })] }, 'sites[0].tls.port', /18080/);
  rejects(
    {
      sites: [
        site({ tls: { ...tls, port: 18443 } }),
        site({ app: 'web', serverName: 'web.example.com', listen: { port: 18443 } }),
      ],
    },
    'sites[1].listen.port',
    /"web".*"api".*18443/,
  );
  passesNginx({
    sites: [
      site({ listen: { port: 18080, defaultServer: true } }),
      site({ app: 'web', serverName: 'web.example.com', listen: { port: 18081, defaultServer: true } }),
      site({
        app: 'admin',
        serverName: 'admin.example.com',
        listen: { port: 18080, address: '127.0.0.1', defaultServer: true },
      }),
    ],
  });
});

test('a path with "$" is refused: nginx would read it as a variable in alias, root or access_log', () => {
  rejects({ sites: [site({ static: { location: '/s/', root: '/srv/$x' } })] }, 'sites[0].static.root', /"\$"/);
  rejects({ sites: [site({ accessLog: '/var/log/$host.log' })] }, 'sites[0].accessLog', /"\$"/);
  rejects({ sites: [site({ acme: { root: '/var/$www' } })] }, 'sites[0].acme.root', /"\$"/);
  passesNginx({ sites: [site({ static: { location: '/s/', root: '/srv/x' }, acme: { root: '/var/www/certbot' } })] });
});

test('numbers nginx would overflow on are refused: at most 9 digits in durations and sizes, counts under 2^31', () => {
  const cases: [Partial<SiteInput>, string][] = [
    [{ timeouts: { read: '99999999999999999999s' } }, 'sites[0].timeouts.read'],
    [{ timeouts: { read: 1e21 } }, 'sites[0].timeouts.read'],
    [{ clientMaxBodySize: '99999999999999999999' }, 'sites[0].clientMaxBodySize'],
    [{ clientMaxBodySize: 1e21 }, 'sites[0].clientMaxBodySize'],
    [{ upstream: { port: 3000, keepaliveRequests: 1e21 } }, 'sites[0].upstream.keepaliveRequests'],
    [{ upstream: { port: 3000, maxFails: 2 ** 31 } }, 'sites[0].upstream.maxFails'],
    [{ rateLimit: { rate: '1r/s', burst: 1e21 } }, 'sites[0].rateLimit.burst'],
  ];
  for (const [extra, key] of cases) rejects({ sites: [site(extra)] }, key);
  passesNginx({
    sites: [
      site({
        timeouts: { read: '999999999s' },
        clientMaxBodySize: '999999999',
        upstream: { port: 3000, keepaliveRequests: 2 ** 31 - 1, keepalive: 100, maxFails: 1000 },
        rateLimit: { rate: '1r/s', burst: 2 ** 31 - 1 },
      }),
    ],
  });
});
