import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { StickyRouter, type StickyTarget } from '../../dist/cluster/sticky-router.js';
import { poll } from '../poll.js';

// A connection whose process dies before taking it goes to another ready one (forget), or waits for one when there is
// none; in a crash loop it may wait, be handed over, and wait again, many times. Each wait added a 'close' listener
// that only its close took off: after ten, node warned of a listener leak (MaxListenersExceededWarning) in the primary.
test('sticky: a connection that waits for a ready process again and again holds one close listener, not one per wait', async () => {
  const handed: Socket[] = [];
  // A process that never acknowledges (it dies first): the router keeps its copy.
  const target: StickyTarget = {
    send(_message, socket) {
      handed.push(socket);
    },
  };
  let ready: StickyTarget | undefined = target;
  const router = new StickyRouter({ by: 'ip' }, () => ready);
  await router.listen(0, '127.0.0.1');
  const { port } = router.address as { port: number };
  const client = connect({ port, host: '127.0.0.1' });
  client.on('error', () => {});
  try {
    await poll(() => handed.length === 1, 'the connection handed over', { timeoutMs: 20_000, everyMs: 20 });
    const socket = handed[0]!;
    const counts: number[] = [];
    for (let round = 0; round < 12; round++) {
      // Its process died with no other ready: it waits; then one is ready.
      ready = undefined;
      router.forget(target);
      ready = target;
      router.wake();
      counts.push(socket.listenerCount('close'));
    }
    assert.equal(handed.length, 13);
    assert.ok(
      handed.every((s) => s === socket),
      'the same connection each time',
    );
    assert.deepEqual(counts, Array(12).fill(counts[0]), 'close listeners after each wait');
  } finally {
    client.destroy();
    // The router's copy, never acknowledged here (its server's close waits for it).
    for (const socket of handed) socket.destroy();
    await router.close();
  }
});
