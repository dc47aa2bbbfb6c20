import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { headReadable } from '../../dist/cluster/http-head.js';
import { StickyRouter, type StickyTarget } from '../../dist/cluster/sticky-router.js';
import { poll } from '../poll.js';

const heads = [
  `GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(300)}\r\nX-Client: c\r\n\r\n`,
  'GET / HTTP/1.1\r\nHost: x\r\nX-Client: c\n',
  'GET / HTTP/1.1\r\nHost: x\rX-Client: c\r\n\r\n',
  '\nGET / HTTP/1.1\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\n\n',
];

// Fed `size` bytes at a time, each read looked through from where the last one ended: readable at the same byte as a
// look through the whole of what was read.
const firstReadable = (head: string, size: number, incremental: boolean): number | undefined => {
  const bytes = Buffer.from(head, 'latin1');
  for (let end = size; end < bytes.length + size; end += size) {
    const read = bytes.subarray(0, Math.min(end, bytes.length));
    if (headReadable(read, incremental ? end - size : 0)) return read.length;
  }
  return undefined;
};

test('sticky head: looked through read by read, a head ends where a look through all of it says', () => {
  for (const head of heads) {
    for (const size of [1, 2, 3, 5]) {
      assert.equal(
        firstReadable(head, size, true),
        firstReadable(head, size, false),
        `${JSON.stringify(head)} by ${size}`,
      );
    }
  }
  assert.equal(firstReadable(heads[0]!, 1, true), heads[0]!.length);
});

test('sticky head: the bytes already looked through are not looked through again (a byte-at-a-time head cost its square)', () => {
  // The bare LF at 14 was in a read looked through before (the router would have handed the connection over then).
  assert.equal(headReadable(Buffer.from('GET / HTTP/1.1\nHost: x\r\n', 'latin1'), 20), false);
  // A line ending that the new bytes complete is seen: CRLFCRLF begun 3 bytes before, a CR last in the previous read.
  assert.equal(headReadable(Buffer.from('GET / HTTP/1.1\r\n\r\n', 'latin1'), 17), true);
  assert.equal(headReadable(Buffer.from('GET / HTTP/1.1\rX', 'latin1'), 15), true);
  assert.equal(headReadable(Buffer.from('GET / HTTP/1.1\r\n', 'latin1'), 15), false);
});

test('sticky: a head sent a byte at a time reaches the process whole, as soon as it ends', async () => {
  const got: string[] = [];
  const target: StickyTarget = {
    send(message, socket: Socket, callback) {
      if (message.type === 'sticky-connection') got.push(Buffer.from(message.head ?? '', 'base64').toString('latin1'));
      callback(null);
      socket.destroy();
    },
  };
  const router = new StickyRouter({ by: 'header', name: 'x-client' }, () => target);
  await router.listen(0, '127.0.0.1');
  const { port } = router.address as { port: number };
  try {
    for (const head of [heads[0]!, heads[1]!]) {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true });
      socket.on('error', () => {});
      const closed = new Promise((resolve) => socket.once('close', resolve));
      for (const byte of head) {
        if (socket.destroyed) break;
        socket.write(byte);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await closed;
    }
    await poll(() => got.length === 2, 'both heads handed over', { timeoutMs: 20_000, everyMs: 50 });
  } finally {
    await router.close();
  }
  assert.deepEqual(got, [heads[0], heads[1]]);
});
