// Zero where nginx reads it otherwise: `burst=0` fails nginx -t (its default burst is 0, so it is left out), and a
// proxy timeout of 0 makes every request time out at once (504), so it is refused naming the option. A retry budget
// of 0 keeps nginx's meaning there: no limit of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxChecker, rejects, site } from './config-checks.js';
import { edgeNginx } from './edge-command.js';

const passesNginx = nginxChecker();

test('rateLimit.burst 0 renders limit_req without burst or nodelay, which nginx -t accepts', () => {
  const output = passesNginx({ sites: [site({ rateLimit: { rate: '10r/s', burst: 0 } })] });
  assert.match(output, /limit_req zone=hive_api;\n/);
  const withBurst = passesNginx({ sites: [site({ rateLimit: { rate: '10r/s', burst: 5 } })] });
  assert.match(withBurst, /limit_req zone=hive_api burst=5 nodelay;\n/);
});

test('a proxy timeout of 0 is refused, naming the option; a retry budget of 0 is no limit of its own, capped at the read timeout', () => {
  for (const key of ['connect', 'send', 'read'] as const) {
    for (const value of [0, '0', '0s', '0ms', '000m']) {
      rejects({ sites: [site({ timeouts: { [key]: value } })] }, `sites[0].timeouts.${key}`, /more than 0/);
    }
  }
  const output = passesNginx({ sites: [site({ retries: { timeout: 0 }, timeouts: { read: '30s' } })] });
  assert.match(output, /proxy_read_timeout 30s;/);
  // 0 means no budget of its own; the cap at the read and send timeouts still holds (nginx-retries.test.ts).
  assert.match(output, /proxy_next_upstream_timeout 30s;/);
});

test('hive edge nginx: --burst 0 passes, --read-timeout 0 and --burst -1 are typed errors naming the flag', () => {
  const zeroBurst = edgeNginx('--rate-limit', '10r/s', '--burst', '0');
  assert.equal(zeroBurst.code, 0, zeroBurst.stderr);
  assert.match(zeroBurst.stdout, /limit_req zone=hive_app;/);
  const zeroRead = edgeNginx('--read-timeout', '0');
  assert.equal(zeroRead.code, 2);
  assert.match(zeroRead.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --read-timeout \(timeouts\.read\): .*more than 0/);
  const negative = edgeNginx('--rate-limit', '10r/s', '--burst', '-1');
  assert.equal(negative.code, 2);
  assert.match(negative.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --burst \(rateLimit\.burst\)/);
});

test('realIpFrom takes addresses and CIDR ranges only', () => {
  for (const value of ['10.0.0.0/33', 'fd00::/129', 'example.com', '10.0.0.1/8/1', 'fe80::1%eth0', '10.0.0.0/8;']) {
    rejects({ sites: [site({ realIpFrom: [value] })] }, 'sites[0].realIpFrom[0]', /CIDR range/);
  }
  // A /0 trusts every client to name its own address and scheme: refused, saying so.
  for (const value of ['0.0.0.0/0', '::/0', '10.0.0.0/0', 'fd00::/00']) {
    rejects(
      { sites: [site({ realIpFrom: ['10.0.0.0/8', value] })] },
      'sites[0].realIpFrom[1]',
      /\/0 prefix.*every client/,
    );
  }
  const output = passesNginx({ sites: [site({ realIpFrom: '10.0.0.0/8, 192.0.2.1 fd00::/8' })] });
  assert.match(
    output,
    /set_real_ip_from 10\.0\.0\.0\/8;\n\s+set_real_ip_from 192\.0\.2\.1;\n\s+set_real_ip_from fd00::\/8;/,
  );
});
