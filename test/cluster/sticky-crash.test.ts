import { after, test } from 'node:test';
import { killAll } from './helpers.js';
import { assertNoneHung, killWorkersUnderNewConnections } from './kill-under-load.js';

after(killAll);

// The sticky router owns the listener and hands each connection (with the head it read) to a worker over IPC. A worker
// killed with handoffs queued for it, or written to its channel and not taken yet, must not leave their connections
// open in the primary, unserved: each is served by another worker or closed, so its client gets an answer or an error.
for (const sticky of ['ip', 'header:x-client']) {
  test(`--sticky ${sticky}: kill -9 of workers under connection-per-request load, none hangs`, async () => {
    assertNoneHung(await killWorkersUnderNewConnections(['--sticky', sticky]));
  });
}
