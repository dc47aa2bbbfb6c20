import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import { cookieValue } from './cookie-value.js';
import { isManaged } from './ipc.js';
import { ENV, stickyCookieName } from './protocol.js';

const pinned = new WeakSet<Server>();

/**
 * `--sticky cookie:<name>`: the app's HTTP responses tell the client its slot in a cookie of the app's (HAProxy's
 * `cookie SERVERID insert`), which the router reads before the app's own cookie. A browser's first request has no
 * cookie, so it is routed by address; the app creates its session here and sets its cookie, which hashes to another
 * slot: without this pin every later connection went there, and the session was lost. Only responses to requests
 * without this slot's pin get it; an upgrade (WebSocket) is no response the runtime can add to.
 */
export function pinStickyClients(server: Server): void {
  if (pinned.has(server) || !isManaged() || process.env[ENV.stickyCookie] !== '1') return;
  const instance = process.env[ENV.instance];
  if (instance === undefined || !/^\d+$/.test(instance)) return;
  pinned.add(server);
  const name = stickyCookieName(process.env[ENV.appName] ?? '', process.env[ENV.stickyPort] ?? '');
  const cookie = `${name}=${instance}; Path=/; HttpOnly; SameSite=Lax`;
  // Prepended: it must wrap writeHead before the app's handler writes anything.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const header = request.headers.cookie;
    if (header !== undefined && cookieValue(header, name) === instance) return;
    appendAtWriteHead(response, cookie);
  });
}

// Added when the head is written, after every header the app set (node's implicit head goes through writeHead too):
// an app's later `setHeader('Set-Cookie', ...)` would otherwise replace it, and it must not replace the app's.
function appendAtWriteHead(response: ServerResponse, cookie: string): void {
  const original = response.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  response.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    // appendHeader: node's http1 response; an h2c server's response before node 20.12 has none, and goes unpinned.
    if (this.headersSent || typeof this.appendHeader !== 'function') return original.call(this, status, ...rest);
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
    const headers = (typeof rest[0] === 'string' ? rest[1] : rest[0]) as OutgoingHttpHeaders | unknown[] | undefined;
    // The headers given here merged as node merges them into headers set before (an array's names replace theirs but
    // may repeat; an object's replace them), so the cookie can be appended after them.
    if (Array.isArray(headers)) {
      for (const [name] of headerPairs(headers)) this.removeHeader(name);
      for (const [name, value] of headerPairs(headers)) this.appendHeader(name, value);
    } else if (headers !== undefined && headers !== null) {
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) this.setHeader(name, value);
    }
    this.appendHeader('Set-Cookie', cookie);
    return reason === undefined ? original.call(this, status) : original.call(this, status, reason);
  } as typeof response.writeHead;
}

type HeaderValue = string | readonly string[];

// writeHead's array of headers as node takes it: flat (`['x-a', '1', 'set-cookie', 'a=1']`, as its docs say), or, as
// node also takes it (on its fast path, with no header set before), name-value pairs (`[['x-a', '1'], ...]`). Reading
// every array as flat made a pair a header name, and node threw, leaving the client with an empty reply.
function headerPairs(headers: unknown[]): [string, HeaderValue][] {
  if (Array.isArray(headers[0])) return headers as [string, HeaderValue][];
  const pairs: [string, HeaderValue][] = [];
  for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i] as string, headers[i + 1] as HeaderValue]);
  return pairs;
}
