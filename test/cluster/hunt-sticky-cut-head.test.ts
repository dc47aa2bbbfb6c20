import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { hashKey, pinnedSlot, stickyKey } from '../../dist/cluster/sticky-mode.js';
import { StickyRouter, type StickyTarget } from '../../dist/cluster/sticky-router.js';
import { poll } from '../poll.js';

const ip = '127.0.0.1';

test('sticky key: the last line of a head read only in part is cut short, and names no key', () => {
  const byHeader = { by: 'header', name: 'x-client' } as const;
  const byCookie = { by: 'cookie', name: 'sid' } as const;
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\r\nHost: x\r\nX-Client: ali', ip), ip);
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\r\nHost: x\r\nX-Client: alice\r', ip), ip);
  assert.equal(stickyKey(byCookie, 'GET / HTTP/1.1\r\nCookie: a=1; sid=ab', ip), ip);
  assert.equal(pinnedSlot('GET / HTTP/1.1\r\nCookie: hive_sticky_a_1=1', 'hive_sticky_a_1'), undefined);
  // The lines that ended still count, whole or cut.
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\r\nX-Client: alice\r\nX-Pad: aa', ip), 'alice');
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\nX-Client: alice\nX-P', ip), 'alice');
  assert.equal(pinnedSlot('GET / HTTP/1.1\r\nCookie: hive_sticky_a_1=12\r\nX-Pad: a', 'hive_sticky_a_1'), 12);
});

test('sticky: a head cut at 16 KiB inside the key header is keyed by address, not by the cut value', async () => {
  const hashes: number[] = [];
  const target: StickyTarget = {
    send(_message, socket: Socket, callback) {
      callback(null);
      socket.destroy();
    },
  };
  const router = new StickyRouter({ by: 'header', name: 'x-client' }, (hash) => {
    hashes.push(hash);
    return target;
  });
  await router.listen(0, ip);
  const { port } = router.address as { port: number };
  const prefix = 'GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ';
  const suffix = '\r\nX-Client: ali';
  // 16 KiB and more, with no end: the router reads no further, and hands over what it read.
  const head = prefix + 'a'.repeat(16 * 1024 - prefix.length - suffix.length + 5) + suffix;
  assert.ok(head.length >= 16 * 1024 && head.indexOf('X-Client') < 16 * 1024);
  try {
    const socket = connect(port, ip);
    socket.on('error', () => {});
    socket.write(head);
    await poll(() => hashes.length === 1, 'the connection handed over', { timeoutMs: 20_000, everyMs: 50 });
    socket.destroy();
  } finally {
    await router.close();
  }
  assert.deepEqual(hashes, [hashKey(ip)]);
});
