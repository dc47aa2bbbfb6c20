/**
 * What protocol a listening server speaks, for its `listening` report: the primary carries it to the daemon, and
 * `hive edge nginx --app` refuses an upstream nginx cannot proxy to (it speaks HTTP/1.x to upstreams only).
 */
import { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { Server as NetServer } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { ServerKind } from './protocol.js';
import { isHttp2 } from './server-tracker.js';

/** The server's kind (see {@link ServerKind}): read from its class, and for a secure HTTP/2 server its ALPN list. */
export function serverKind(server: NetServer): ServerKind {
  if (server instanceof HttpsServer) return 'https';
  if (server instanceof HttpServer) return 'http';
  if (isHttp2(server)) {
    if (!(server instanceof TlsServer)) return 'h2c';
    // `allowHTTP1` is known by what the server offers in ALPN (node adds http/1.1 to h2 for it): the options node keeps
    // are behind a private symbol, the ALPN list is the TLS server's own.
    return offersHttp1(server) ? 'h2-http1' : 'h2';
  }
  return server instanceof TlsServer ? 'tls' : 'tcp';
}

function offersHttp1(server: TlsServer): boolean {
  const alpn = (server as TlsServer & { ALPNProtocols?: Uint8Array | null }).ALPNProtocols;
  if (alpn instanceof Uint8Array) return Buffer.from(alpn).includes('http/1.1');
  // No list: an ALPNCallback picks the protocol, and the server answers HTTP/1.1 only with allowHTTP1, read from the
  // options node keeps (behind its `options` symbol). Unknown (a node that keeps them otherwise): taken as served, so
  // that --app refuses no app it cannot tell.
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === 'options');
  const options: unknown = key === undefined ? undefined : Reflect.get(server, key);
  if (typeof options !== 'object' || options === null || !('allowHTTP1' in options)) return key === undefined;
  return options.allowHTTP1 === true;
}
