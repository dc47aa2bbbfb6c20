// `--address 0.0.0.0 --port 3000 --hosts 127.0.0.1:3000` gave an upstream with `server 0.0.0.0:3000` and
// `server 127.0.0.1:3000`: a connection to a wildcard address reaches this machine, so one app got twice its share.
// The duplicate checks now count the wildcards (0.0.0.0 and [::], any spelling) as 127.0.0.1, the rule an app the
// daemon runs already had for its listen address (reachedAt, used by listenHost).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateNginxConfig, parseHostList } from '../../dist/edge/index.js';
import { runHiveEdge } from './edge-command.js';
import { hostError } from './host-error.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-wildcard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const kNote =
  /\(localhost, 127\.0\.0\.1 and \[::1\] all reach this machine, and a server on 0\.0\.0\.0 or \[::\] \(every address\) is reached at 127\.0\.0\.1\): nginx would send that server twice its share/;

test('a wildcard --address and a loopback host (or the reverse) are the local cluster twice, refused naming --hosts', () => {
  for (const [address, host] of [
    ['0.0.0.0', '127.0.0.1:3000'],
    ['0.0.0.0', 'localhost:3000'],
    ['::', '127.0.0.1:3000'],
    ['0::0', '[::1]:3000'],
    ['127.0.0.1', '0.0.0.0:3000'],
    ['localhost', '[::]:3000'],
  ] as const) {
    const argv = ['nginx', '--port', '3000', '--address', address, '--hosts', `10.0.0.5:3000,${host}`];
    const result = runHiveEdge(dir, argv);
    assert.equal(result.code, 2, `${address} ${host}: ${result.stdout}`);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^hive edge: ERR_HIVE_EDGE_INVALID_HOST: --hosts \(upstream\.hosts\): \S+ repeats the local cluster port, already in the upstream as \S+ /m,
    );
    assert.match(result.stderr, kNote);
  }
});

test('within the host list too; another port or another address is another server', () => {
  assert.throws(
    () => parseHostList('0.0.0.0:3000,10.0.0.5:3000,127.0.0.1:3000'),
    hostError(/hosts\[2\]: 127\.0\.0\.1:3000 is listed twice, as 0\.0\.0\.0:3000 \(entry 1\): localhost, 127\.0\.0\.1/),
  );
  assert.throws(() => parseHostList('[::]:3000,LOCALHOST:3000'), hostError(/listed twice/));
  assert.equal(parseHostList('0.0.0.0:3000,127.0.0.1:3001,127.0.0.2:3000,10.0.0.5:3000').length, 4);
  const output = generateNginxConfig({
    sites: [{ app: 'api', upstream: { port: 3000, address: '0.0.0.0', hosts: '127.0.0.1:3001,127.0.0.2:3000' } }],
  });
  assert.match(output, /server 0\.0\.0\.0:3000 .*\n\s+server 127\.0\.0\.1:3001 .*\n\s+server 127\.0\.0\.2:3000 /);
});
