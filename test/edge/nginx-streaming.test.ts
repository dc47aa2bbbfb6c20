// Server-Sent Events and other streamed responses through the generated config: each write reaches the client while
// the response is still open, without the app sending `X-Accel-Buffering: no` and without `proxy_buffering off` (with
// buffering on, nginx still passes on what it has read when the upstream pauses), and no event stream is gzipped
// (gzip would hold events until its buffer fills: text/event-stream is not in gzip_types). A guard, not a fix.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { poll } from '../poll.js';
import { type EventStreamUpstream, startEventStreamUpstream } from './event-stream-upstream.js';
import { nginxSkip, type ProxiedSite, startProxy } from './nginx-harness.js';

const skip = nginxSkip();
let upstream: EventStreamUpstream | undefined;
let proxy: ProxiedSite | undefined;
let port = 0;

before(async () => {
  if (skip) return;
  upstream = await startEventStreamUpstream();
  proxy = await startProxy({ upstream: { hosts: upstream.hosts } });
  port = proxy.port;
});

after(async () => {
  await proxy?.stop();
  await upstream?.close();
});

test('each event reaches the client while the stream stays open, uncompressed', { skip }, async () => {
  let received = '';
  let ended = false;
  let encoding: string | undefined;
  const req = request(
    { host: '127.0.0.1', port, path: '/events', agent: false, headers: { 'accept-encoding': 'gzip' } },
    (res) => {
      encoding = res.headers['content-encoding'];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received += chunk;
      });
      res.on('end', () => {
        ended = true;
      });
    },
  );
  req.end();
  await poll(() => received.includes('data: one\n\n'), 'the first event through nginx');
  assert.equal(encoding, undefined);
  upstream!.streams[0]!.write('data: two\n\n');
  await poll(() => received.includes('data: two\n\n'), 'the second event through nginx');
  assert.equal(ended, false);
  upstream!.streams[0]!.end();
  await poll(() => ended, 'the end of the stream');
});
