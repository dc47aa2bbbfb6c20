import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { StickyRouter } from '../../dist/cluster/sticky-router.js';
import { poll } from '../poll.js';

test('sticky: a client that sends its head a byte at a time gets 408 and is closed at the head deadline (slowloris)', async () => {
  const router = new StickyRouter({ by: 'header', name: 'x-client' }, () => undefined, { headTimeout: 1000 });
  await router.listen(0, '127.0.0.1');
  const { port } = router.address as { port: number };
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  let answer = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => {
    answer += chunk;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  // Never idle long enough for a timeout between reads; the head never ends.
  const trickle = setInterval(() => socket.write('a'), 100);
  try {
    socket.write('GET / HTTP/1.1\r\nX-Pad: ');
    await poll(() => closed, 'the router to close the connection', { timeoutMs: 20_000, everyMs: 100 });
  } finally {
    clearInterval(trickle);
    socket.destroy();
    await router.close();
  }
  assert.ok(closed);
  // As node's own server answers at its headersTimeout.
  assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
});

test('sticky: a client that sends nothing is closed at the head deadline, unanswered', async () => {
  const router = new StickyRouter({ by: 'header', name: 'x-client' }, () => undefined, { headTimeout: 1000 });
  await router.listen(0, '127.0.0.1');
  const { port } = router.address as { port: number };
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => {
    answer += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  try {
    await closed;
  } finally {
    socket.destroy();
    await router.close();
  }
  assert.equal(answer, '');
});
