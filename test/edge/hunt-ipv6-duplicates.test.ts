// Duplicate upstream hosts are refused (one would get twice its share), but IPv6 entries were compared as typed:
// `[::1]:3000,[0:0::1]:3000` or `[FD00::7]` beside `[fd00:0::7]` put one server in the upstream twice, and the
// local cluster at `::1` was not recognised in the host list as `[0::1]:3000`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateNginxConfig, parseHostList } from '../../dist/edge/index.js';
import { hostError } from './host-error.js';

test('two spellings of one IPv6 address are one host', () => {
  assert.throws(
    () => parseHostList('[::1]:3000,[0:0::1]:3000'),
    hostError(/hosts\[1\]: \[0:0::1\]:3000 is listed twice/),
  );
  assert.throws(() => parseHostList('[FD00::7]:3000,[fd00:0::7]:3000'), hostError(/listed twice/));
  assert.equal(parseHostList('[::1]:3000,[::1]:3001').length, 2);
});

test('the local cluster on an IPv6 address is found in the host list in another spelling', () => {
  assert.throws(
    () =>
      generateNginxConfig({ sites: [{ app: 'api', upstream: { port: 3000, address: '::1', hosts: '[0::1]:3000' } }] }),
    hostError(/repeats the local cluster port/),
  );
});
