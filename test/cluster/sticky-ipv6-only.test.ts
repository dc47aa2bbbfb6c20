// An app that listens on `::` with `ipv6Only: true` takes no IPv4 client, with or without node's cluster; under
// `--sticky` the primary's router, which listens in the app's place, listened dual stack and let IPv4 clients in.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { freePort, get, isEvent, killAll, startHive, tempApp } from './helpers.js';

after(killAll);

async function ipv6Loopback(): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

test('--sticky: an app listening on :: with ipv6Only takes IPv6 clients only, as without Hive', async (t) => {
  if (!(await ipv6Loopback())) return t.skip('no IPv6 loopback here');
  const port = await freePort();
  const { app } = tempApp(
    'hive-sticky-v6-',
    `import { createServer } from 'node:http';
createServer((req, res) => res.end(String(req.socket.remoteAddress))).listen({ port: ${port}, host: '::', ipv6Only: true });
`,
  );
  const hive = startHive([app, '-i', '1', '--sticky', 'ip', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const v6 = await fetch(`http://[::1]:${port}/`).then((res) => res.text());
  assert.equal(v6, '::1');
  await assert.rejects(get(port), (error: Error & { cause?: { code?: string } }) => {
    assert.equal(error.cause?.code ?? (error as { code?: string }).code, 'ECONNREFUSED', String(error));
    return true;
  });
  hive.kill('SIGTERM');
  await hive.exited;
});
