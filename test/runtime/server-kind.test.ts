// The kind each listening server reports (src/runtime/server-kind.ts), which `hive edge nginx --app` refuses an
// HTTP/2-only upstream by: a secure HTTP/2 server whose ALPNCallback picks the protocol has no ALPN list, and was
// taken for one that never answers HTTP/1.1 although its allowHTTP1 said it does.
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { test } from 'node:test';
import tls from 'node:tls';
import { serverKind } from '../../dist/runtime/server-kind.js';

test('serverKind tells each server kind, a secure HTTP/2 server by its ALPN list or else its allowHTTP1', () => {
  const pick = () => 'h2';
  assert.equal(serverKind(http.createServer()), 'http');
  assert.equal(serverKind(https.createServer()), 'https');
  assert.equal(serverKind(http2.createServer()), 'h2c');
  assert.equal(serverKind(http2.createServer({ allowHTTP1: true } as http2.ServerOptions)), 'h2c');
  assert.equal(serverKind(http2.createSecureServer()), 'h2');
  assert.equal(serverKind(http2.createSecureServer({ allowHTTP1: true })), 'h2-http1');
  assert.equal(serverKind(http2.createSecureServer({ allowHTTP1: true, ALPNCallback: pick })), 'h2-http1');
  assert.equal(serverKind(http2.createSecureServer({ ALPNCallback: pick })), 'h2');
  assert.equal(serverKind(tls.createServer()), 'tls');
  assert.equal(serverKind(net.createServer()), 'tcp');
});
