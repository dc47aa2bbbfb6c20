// The local cluster repeated in the host list is refused (nginx would send it twice its share), but only in the
// local address's own spelling: `--port 3000 --hosts localhost:3000` (or `[::1]:3000`, beside the default address
// 127.0.0.1) listed this machine's port 3000 twice, and nginx resolves `localhost` to both 127.0.0.1 and ::1, so
// three times. localhost, 127.0.0.1 and [::1] are now one server, at the local port and within the host list.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateNginxConfig, parseHostList } from '../../dist/edge/index.js';
import { runHiveEdge } from './edge-command.js';
import { hostError } from './host-error.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-loopback-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--hosts naming the local port by another loopback name is refused, naming --hosts', () => {
  for (const [local, host] of [
    [[], 'localhost:3000'],
    [[], '[::1]:3000'],
    [[], 'LocalHost:3000'],
    [['--address', '::1'], '127.0.0.1:3000'],
    [['--address', 'localhost'], '[0::1]:3000'],
  ] as const) {
    const result = runHiveEdge(dir, ['nginx', '--port', '3000', ...local, '--hosts', `10.0.0.5:3000,${host}`]);
    assert.equal(result.code, 2, `${host}: ${result.stdout}`);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^hive edge: ERR_HIVE_EDGE_INVALID_HOST: --hosts \(upstream\.hosts\): \S+ repeats the local cluster port, already in the upstream as \S+ \(localhost, 127\.0\.0\.1 and \[::1\] all reach this machine\): nginx would send that server twice its share/m,
    );
  }
});

test('the library refuses it too, and another port or loopback address is another server', () => {
  assert.throws(
    () => generateNginxConfig({ sites: [{ app: 'api', upstream: { port: 3000, hosts: ['localhost:3000'] } }] }),
    hostError(/sites\[0\]\.upstream\.hosts: localhost:3000 repeats the local cluster port/),
  );
  const output = generateNginxConfig({
    sites: [{ app: 'api', upstream: { port: 3000, hosts: 'localhost:3001,127.0.0.2:3000' } }],
  });
  assert.match(output, /server 127\.0\.0\.1:3000 .*\n\s+server 127\.0\.0\.1:3001 .*\n\s+server 127\.0\.0\.2:3000 /);
});

test('two loopback names of one port in the host list are one host listed twice', () => {
  assert.throws(
    () => parseHostList('localhost:3000,10.0.0.5:3000,[::1]:3000'),
    hostError(/hosts\[2\]: \[::1\]:3000 is listed twice, as localhost:3000 \(entry 1\): localhost, 127\.0\.0\.1/),
  );
  assert.throws(() => parseHostList('127.0.0.1:3000,LOCALHOST:3000'), hostError(/listed twice/));
  assert.equal(parseHostList('localhost:3000,[::1]:3001,127.0.0.2:3000').length, 3);
});
