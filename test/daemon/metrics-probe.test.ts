// `hive update` goes ahead past a failed test bind of a new daemon metrics endpoint only when the old daemon itself
// may hold it (its port, another address). It went ahead on any failure on that port, an address this host lacks
// included: the update then stopped every app for a successor that could not start either.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import { oldDaemonMayHoldIt, probeDaemonMetrics } from '../../dist/daemon/daemon-metrics-probe.js';
import { MetricsPortInUseError } from '../../dist/metrics/errors.js';
import { freePort } from '../ports.js';

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

test('a real clash on the old daemon port may be the old daemon itself; another port may not', async () => {
  const port = await freePort();
  const holder = createServer();
  servers.push(holder);
  await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
  const error = await probeDaemonMetrics({ port, host: '0.0.0.0' }, 'advice').then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof MetricsPortInUseError);
  assert.equal(error.detail, 'EADDRINUSE');
  assert.equal(oldDaemonMayHoldIt(error, { port }, { port }), true);
  assert.equal(oldDaemonMayHoldIt(error, { port: port + 1 }, { port }), false);
  assert.equal(oldDaemonMayHoldIt(error, undefined, { port }), false);
});

test('any other failure to bind on the old daemon port stops the update', () => {
  for (const detail of ['EADDRNOTAVAIL', 'ENOTFOUND', 'EACCES']) {
    const error = new MetricsPortInUseError('10.9.9.9', 9464, detail);
    assert.equal(oldDaemonMayHoldIt(error, { port: 9464 }, { port: 9464 }), false, detail);
  }
  assert.equal(oldDaemonMayHoldIt(new Error('EADDRINUSE'), { port: 9464 }, { port: 9464 }), false);
});
