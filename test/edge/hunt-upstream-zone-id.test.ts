// An IPv6 address with a zone id (fe80::1%eth0) is valid to Node's isIPv6 but nginx's upstream parser refuses it
// ("invalid IPv6 address in upstream"): it is refused up front, in --hosts and in upstream.address alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateNginxConfig, parseHostList } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';

function isHostError(key: string) {
  return (error: unknown) => {
    assert.ok(error instanceof HiveError, `expected a HiveError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_HOST');
    assert.equal((error as HiveError & { key: string }).key, key);
    assert.match(error.message, /zone id/);
    return true;
  };
}

test('an upstream host with an IPv6 zone id is refused, naming the entry', () => {
  assert.throws(() => parseHostList('[fd00::5]:3000,[fe80::1%eth0]:3000'), isHostError('upstream.hosts[1]'));
  assert.throws(
    () => generateNginxConfig({ sites: [{ app: 'api', upstream: { hosts: ['[fe80::1%lo]:3000'] } }] }),
    isHostError('sites[0].upstream.hosts[0]'),
  );
});

test('a local cluster address with an IPv6 zone id is refused', () => {
  assert.throws(
    () => generateNginxConfig({ sites: [{ app: 'api', upstream: { port: 3000, address: 'fe80::1%lo' } }] }),
    isHostError('sites[0].upstream.address[0]'),
  );
  // Without a zone id, an IPv6 address is bracketed once.
  const output = generateNginxConfig({ sites: [{ app: 'api', upstream: { port: 3000, address: '::1' } }] });
  assert.match(output, /server \[::1\]:3000 max_fails/);
});
