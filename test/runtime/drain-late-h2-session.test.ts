import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { ServerTracker } from '../../dist/runtime/server-tracker.js';
import { makeCertificate } from '../tls-certificate.js';

// A secure HTTP/2 session is made when the server's side of the handshake ends ('secureConnection'), which can come
// after the client's (TLS 1.3: the client is done first): a client that connected just before a SIGTERM and then went
// silent got its session during the drain. Closed at once, it was never paired with its socket, which the idle grace
// then never destroyed: the drain waited for the client's close until killTimeout's SIGKILL (a CI flake of
// drain-edge-cases' secure silent-session case). Here the handshake is held back until the drain has begun.
test('a secure HTTP/2 session made after the drain began, its client silent, is closed after the idle grace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-late-h2-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = makeCertificate(dir);
  const server = http2.createSecureServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_, res) => res.end());
  const tracker = new ServerTracker();
  tracker.track(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Accepted before the drain; its handshake starts after.
  const accepted = once(server, 'connection');
  const tcp = connect((server.address() as AddressInfo).port, '127.0.0.1');
  tcp.on('error', () => {});
  await accepted;
  let drained = false;
  const drain = tracker.drain(100).then(() => {
    drained = true;
  });
  const secure = tlsConnect({ socket: tcp, ALPNProtocols: ['h2'], rejectUnauthorized: false });
  secure.on('error', () => {});
  const sessions = once(server, 'session');
  await once(secure, 'secureConnect');
  // The client preface and an empty SETTINGS frame, then nothing: a phone off the network.
  secure.write(
    Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]),
  );
  secure.pause();
  try {
    await sessions;
    assert.equal(tracker.draining, true, 'the session came during the drain');
    // Bounded (the grace is 100 ms): without the fix the drain never ends.
    await Promise.race([drain, delay(10_000)]);
    assert.equal(drained, true, 'the drain ended without the silent client');
    assert.equal(tracker.openConnections, 0);
  } finally {
    secure.destroy();
  }
});
