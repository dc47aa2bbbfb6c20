// `--keep-alive-timeout`: a proxy that keeps idle connections to the app longer than node's 5 s (ingress-nginx and
// cloud load balancers keep 60 s) may send a request onto a connection the app is just closing: a 502 for a POST it
// does not send again. The option sets the app's servers' idle timeout, above the proxy's, so that the proxy closes first.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { parseKeepAliveTimeout } from '../../src/cluster/options.js';
import { freePort, isEvent, killAll, openConnection, runHive, startHive, tempApp } from './helpers.js';

after(killAll);

// The app's timeouts, read at each request: a server left at node's default, one the app set before its listen(),
// one it sets after.
const { app } = tempApp(
  'hive-keep-alive-timeout-',
  `
  import http from 'node:http';
  const own = http.createServer(() => {});
  own.keepAliveTimeout = 7000;
  own.listen(0, '127.0.0.1');
  const later = http.createServer(() => {});
  later.listen(0, '127.0.0.1', () => { later.keepAliveTimeout = 9000; });
  const server = http.createServer((req, res) => {
    res.end(JSON.stringify({ plain: server.keepAliveTimeout, own: own.keepAliveTimeout, later: later.keepAliveTimeout }));
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
  `,
);

async function timeouts(args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const port = await freePort();
  const hive = startHive([app, '-i', '2', '--port', String(port), ...args], env);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const reply = await fetch(`http://127.0.0.1:${port}/`);
  const body: unknown = await reply.json();
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  return body;
}

test("--keep-alive-timeout sets the servers left at node's default; an app's own timeout wins", async () => {
  assert.deepEqual(await timeouts(['--keep-alive-timeout', '65s']), { plain: 65_000, own: 7000, later: 9000 });
});

test("without it node's default stands, even with the variable inherited from the primary's environment", async () => {
  assert.deepEqual(await timeouts([], { HIVE_KEEP_ALIVE_TIMEOUT: '65000' }), { plain: 5000, own: 7000, later: 9000 });
});

test('--keep-alive-timeout 0 or no duration: a usage error naming the option', async () => {
  for (const [value, why] of [
    ['0', /more than 0 \(node takes 0 as never closing an idle connection\), got "0"/],
    ['soon', /a duration like 500ms.*got "soon"/],
    ['65', /such as 65s, got "65" \(string\) \(a bare number is milliseconds: write 65s for seconds, or 65ms if/],
  ] as const) {
    const { code, stderr } = await runHive(['run', app, '--keep-alive-timeout', value]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected `keepAliveTimeout` to be/);
    assert.match(stderr, why);
  }
});

test('a unit-less timeout under a second is refused as seconds without their unit; with a unit or longer, taken', () => {
  for (const value of [65, '65', ' 999 ', 0.5]) {
    assert.throws(
      () => parseKeepAliveTimeout(value, 'keepAliveTimeout'),
      /a bare number is milliseconds/,
      String(value),
    );
  }
  assert.equal(parseKeepAliveTimeout('65ms', 'keepAliveTimeout'), 65);
  assert.equal(parseKeepAliveTimeout('0.5s', 'keepAliveTimeout'), 500);
  assert.equal(parseKeepAliveTimeout(1000, 'keepAliveTimeout'), 1000);
  assert.equal(parseKeepAliveTimeout('65000', 'keepAliveTimeout'), 65_000);
});

// Node's timer never fires early, so with 20 s the connection is open at 6.5 s however busy the machine is; without
// the option it is closed by node's 5 s.
test('an idle kept-alive connection outlives node 5 s and serves its next request on the same socket', async () => {
  for (const args of [['--keep-alive-timeout', '20s'], []]) {
    const port = await freePort();
    const hive = startHive([app, '-i', '1', '--port', String(port), ...args]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const connection = openConnection(port);
    const request = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    connection.socket.write(request);
    let closedAt: number | undefined;
    void connection.closed.then(() => {
      closedAt = performance.now();
    });
    const start = performance.now();
    await delay(6_500);
    if (args.length > 0) {
      assert.equal(closedAt, undefined, 'closed while idle under the 20 s timeout');
      connection.socket.write(request);
      await delay(500);
      connection.socket.end();
      const answer = await connection.closed;
      assert.equal(answer.match(/HTTP\/1\.1 200/g)?.length, 2, answer);
    } else {
      assert.notEqual(closedAt, undefined, 'the app did not close the idle connection by node 5 s');
      assert.ok(closedAt! - start >= 4_900, `closed after ${closedAt! - start} ms`);
    }
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  }
});
