// The local cluster repeated in the host list is refused (it would get twice its share), but the check compared
// host names with their case: `--address localhost --hosts LOCALHOST:3000` put the same server in the upstream twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';

test('the local cluster is found in the host list whatever the case of its name', () => {
  assert.throws(
    () =>
      generateNginxConfig({
        sites: [{ app: 'api', upstream: { port: 3000, address: 'localhost', hosts: 'LOCALHOST:3000' } }],
      }),
    (error: unknown) => {
      assert.ok(error instanceof HiveError);
      assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_HOST');
      assert.match(error.message, /repeats the local cluster port/);
      return true;
    },
  );
  // Another port on the same machine is another server (given to nginx as 127.0.0.1: nginx-localhost-host).
  const output = generateNginxConfig({
    sites: [{ app: 'api', upstream: { port: 3000, address: 'localhost', hosts: 'LOCALHOST:3001' } }],
  });
  assert.match(output, /server 127\.0\.0\.1:3001 /);
});
