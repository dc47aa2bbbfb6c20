// The request context is made once per process (trackRequests), for the tracker of its first call: this test has a
// process of its own.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { test } from 'node:test';
import { trackRequests, untrackRequests } from '../../dist/runtime/request-context.js';
import { RequestSampler } from '../../dist/runtime/request-sampler.js';
import { ServerTracker } from '../../dist/runtime/server-tracker.js';

// An absolute-form request target (`GET http://user:secret@host/path`, as a client talking to a proxy sends it) reached
// the sample as is: the credentials were in the dashboard's waterfall, which its every viewer reads.
test('RequestSampler: a sample of an absolute-form target keeps its path only, no credentials, host or query', async () => {
  const server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const tracker = new ServerTracker();
  tracker.track(server);
  const sampler = new RequestSampler(0);
  sampler.watch(server);
  trackRequests(tracker, 'sampling', { timeline: true });
  sampler.resize(5);
  const raw = (target: string) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      });
      socket.resume();
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });
  try {
    await raw(`http://user:PASSW0RD@127.0.0.1:${port}/abs?tok=QS2`);
    await raw(`http://127.0.0.1:${port}`);
    await raw('/plain?q=1');
    const paths = sampler.take().map((s) => s.path);
    assert.deepEqual(paths.sort(), ['/', '/abs', '/plain']);
  } finally {
    sampler.resize(0);
    untrackRequests('sampling', { timeline: true });
    server.close();
    server.closeAllConnections();
  }
});
