/**
 * The server blocks of one app: plain HTTP, or HTTPS with an HTTP server that redirects and answers ACME challenges.
 */

import { isIPv6 } from 'node:net';
import { clientIpHeaderLines } from './client-ip-headers.js';
import { hstsValue, kValidHost, siteNames } from './nginx-http.js';
import { block, doubleQuote, type NginxNode, nodes, quote } from './nginx-writer.js';
import { type EdgeSite, kAcmeLocation } from './options.js';
import { rateLimitErrorPage, rateLimitedLocation } from './rate-limit.js';
import { retryBudget } from './retry-budget.js';

// Mozilla's "intermediate" profile without its two DHE suites: TLS 1.2 and 1.3, forward-secret AEAD ciphers only.
// DHE needs ssl_dhparam (a file to generate and ship), and without one nginx never offers it: listed, the suites
// only made the config claim what it did not serve. Every client of the profile also speaks ECDHE.
const kCiphers =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:' +
  'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';

const kGzipTypes =
  'text/plain text/css text/xml text/javascript application/javascript application/json application/xml ' +
  'application/rss+xml image/svg+xml';

/** Renders the server blocks of one app. */
export function renderServers(site: EdgeSite): NginxNode[] {
  const { tls } = site;
  if (!tls) return [block('server', [...listen(site.listen.port, site), ...serverBody(site, false)])];
  const tlsListen = listen(tls.port, site, ` ssl${tls.http2 ? ' http2' : ''}`);
  if (!tls.redirect) {
    return [block('server', [...listen(site.listen.port, site), ...tlsListen, ...serverBody(site, true)])];
  }
  const target = tls.port === 443 ? 'https://$host$request_uri' : `https://$host:${tls.port}$request_uri`;
  return [
    block('server', [
      ...listen(site.listen.port, site),
      serverName(site),
      'server_tokens off',
      ...realIp(site),
      accessLog(site),
      clientHeaderBuffers(site),
      hostCheck(),
      acmeLocation(site),
      // A 301 (or 302) lets a client resend a POST as a GET without its body, as browsers, fetch and curl -L do: an
      // API client posting to http:// would reach a GET handler or lose its data. 308 (RFC 9110, 15.4.9) keeps the
      // method and the body; GET and HEAD keep the 301 every client and crawler knows. `if` holding only a
      // `return` is the use of `if` in a location that nginx documents as safe.
      block('location /', [
        block('if ($request_method !~ ^(GET|HEAD)$)', [`return 308 ${target}`]),
        `return 301 ${target}`,
      ]),
    ]),
    '',
    block('server', [...tlsListen, ...serverBody(site, true)]),
  ];
}

// Every server block says where its requests are logged. Buffered: one write per 64 KiB of lines (or per second)
// instead of one per request; a line shows at most 1 s late. Off must be said too: a server block with no access_log
// logs every request, unbuffered, to nginx's compiled-in default (/var/log/nginx/access.log on Debian).
function accessLog(site: EdgeSite): string {
  if (site.accessLog === false) return 'access_log off';
  const path = site.accessLog ?? `/var/log/nginx/${site.app}.access.log`;
  // nginx -t: "logs to syslog cannot be buffered"; each line is one datagram anyway.
  if (path.startsWith('syslog:')) return `access_log ${path} ${siteNames(site).logFormat}`;
  return `access_log ${path} ${siteNames(site).logFormat} buffer=64k flush=1s`;
}

// Behind a load balancer every connection comes from it: from the trusted addresses only, the client's address is
// the last X-Forwarded-For entry that is not itself trusted (recursive), so X-Real-IP, the logs, the rate-limit key
// and hash:ip see the client. An untrusted peer's X-Forwarded-For changes nothing.
function realIp(site: EdgeSite): string[] {
  if (site.realIpFrom === undefined) return [];
  return [
    ...site.realIpFrom.map((range) => `set_real_ip_from ${range}`),
    'real_ip_header X-Forwarded-For',
    'real_ip_recursive on',
  ];
}

// nginx takes `@ " < > | # ?` in Host, and with one server on a socket every Host reaches it: a request whose $host
// is not a host name gets 400, as RFC 9112 (3.2) asks for an invalid Host, before a redirect's Location or the app's
// Host can carry it. An `if` holding only a `return` is the use nginx documents as safe.
function hostCheck(): NginxNode {
  return block(`if ($host !~* "${kValidHost}")`, ['return 400']);
}

// A regex name is quoted whole: unquoted, a `{` or `;` in it ends the directive (nginx takes "~..." as a regex too).
function serverName(site: EdgeSite): string {
  return `server_name ${site.serverName.map((name) => (name.startsWith('~') ? doubleQuote(name) : name)).join(' ')}`;
}

// default_server is for plain HTTP only (options.ts checks it per socket that way); `flags` carries ssl and http2.
function listen(port: number, site: EdgeSite, flags = site.listen.defaultServer ? ' default_server' : ''): string[] {
  // nginx binds [::] with ipv6only=on (its default since 1.3.4), so it does not clash with the IPv4 wildcard.
  return [`listen ${hostPort(site, port)}${flags}`, ...(site.listen.ipv6 ? [`listen [::]:${port}${flags}`] : [])];
}

function hostPort(site: EdgeSite, port: number): string {
  const address = site.listen.address;
  if (address === undefined) return String(port);
  // The schema keeps IPv6 addresses bare, so the brackets nginx needs are added here and only here.
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

// add_header at server level, never in a location: a location with its own add_header drops every inherited one (the
// rate limit's location, which adds Retry-After, repeats these).
function serverHeaders(site: EdgeSite, secure: boolean): string[] {
  const names = siteNames(site);
  const { tls } = site;
  return nodes(
    `add_header X-Request-Id ${names.requestId} always`,
    // A server that answers plain HTTP too (no redirect) sends it on HTTPS only, through a map on $https: a host must
    // not send it over plain HTTP (RFC 6797, 7.2), and add_header skips an empty value.
    secure &&
      tls &&
      tls.hsts !== false &&
      `add_header Strict-Transport-Security ${tls.redirect ? quote(hstsValue(tls.hsts)) : names.hsts} always`,
  ) as string[];
}

function serverBody(site: EdgeSite, secure: boolean): NginxNode[] {
  const names = siteNames(site);
  const { tls } = site;
  const headers = serverHeaders(site, secure);
  return nodes(
    serverName(site),
    'server_tokens off',
    secure && tls && `ssl_certificate ${quote(tls.cert)}`,
    secure && tls && `ssl_certificate_key ${quote(tls.key)}`,
    secure && 'ssl_protocols TLSv1.2 TLSv1.3',
    secure && `ssl_ciphers ${kCiphers}`,
    secure && 'ssl_prefer_server_ciphers off',
    secure && `ssl_session_cache shared:${names.sslCache}:10m`,
    secure && 'ssl_session_timeout 1d',
    // Tickets are encrypted with a key nginx never rotates on its own, which breaks forward secrecy.
    secure && 'ssl_session_tickets off',
    ...realIp(site),
    accessLog(site),
    hostCheck(),
    `client_max_body_size ${site.clientMaxBodySize}`,
    clientHeaderBuffers(site),
    // A redirect nginx makes itself (a static directory without its slash) says the path alone: made absolute, it
    // names nginx's own scheme and listen port, wrong behind a port mapping (compose's 8080 to 80) or a balancer.
    'absolute_redirect off',
    ...headers,
    ...gzip(site),
    '',
    acmeLocation(site),
    site.static &&
      block(`location ^~ ${site.static.location}`, [
        `alias ${quote(site.static.root.endsWith('/') ? site.static.root : `${site.static.root}/`)}`,
        `expires ${site.static.maxAge}`,
      ]),
    block('location /', [...namedLocationJumps(site), ...proxyLocation(site)]),
    block(`location ${kEventStreamLocation}`, ['proxy_buffering off', ...proxyLocation(site)]),
    block(`location ${kWebSocketLocation}`, proxyLocation(site, site.timeouts.websocket)),
    rateLimitedLocation(site, headers),
  );
}

/** The named location that proxies event streams unbuffered (one per server block, so one name serves all). */
const kEventStreamLocation = '@hive_event_stream';
/** The named location that proxies WebSocket handshakes, with the WebSocket's own idle limit. */
const kWebSocketLocation = '@hive_websocket';
// The Upgrade value the maps of nginx-http.ts forward (any case): the requests that become WebSockets.
const kWebSocketUpgrade = '"^websocket$"';

// Buffering and timeouts are per location, not per request, so two kinds of request go to a named location of their
// own: an `if` holding only a `return`, the use nginx documents as safe, and an error_page for that status. The
// status is nginx's own, never sent to a client (nor the app's, which error_page does not see without
// proxy_intercept_errors), and never the rate limit's, whose rejections would otherwise be proxied. The `if` runs
// before the rate limit (rewrite phase before preaccess), so each named location repeats it; recursive_error_pages
// lets its 429 still reach the Retry-After location.
// - Server-Sent Events over TLS with HTTP/1.1: with proxy_buffering on, nginx hands the app's writes to its TLS layer
//   without a flush, and that layer holds them until ssl_buffer_size (16k) has gathered or the response ends, so a
//   client of an open stream got neither its headers nor an event (plain HTTP and HTTP/2 flush each write). An
//   event-stream request (`Accept: text/event-stream`, which every EventSource sends) is proxied unbuffered.
// - A WebSocket handshake (the Upgrade the maps forward): an open WebSocket's idle limit is the location's read
//   timeout, so it gets timeouts.websocket, and an ordinary request keeps the read timeout.
function namedLocationJumps(site: EdgeSite): NginxNode[] {
  const taken = [site.rateLimit, site.connLimit].map((limit) => (limit === false ? 0 : limit.status));
  const [events = 418, websocket = 419] = [418, 419, 420, 421].filter((status) => !taken.includes(status));
  return [
    `error_page ${events} = ${kEventStreamLocation}`,
    `error_page ${websocket} = ${kWebSocketLocation}`,
    'recursive_error_pages on',
    block(`if ($http_upgrade ~* ${kWebSocketUpgrade})`, [`return ${websocket}`]),
    block('if ($http_accept ~* "text/event-stream")', [`return ${events}`]),
  ];
}

// `idle`: the read and send timeouts, where not the site's (a WebSocket's). The retry time limit stays the site's.
function proxyLocation(site: EdgeSite, idle?: string): NginxNode[] {
  const names = siteNames(site);
  const { retries, timeouts, rateLimit, connLimit } = site;
  // Also at most a WebSocket's own timeouts (retry-budget.ts): a handshake that timed out reading is not retried.
  const budget = (timeout: string) =>
    retryBudget(retryBudget(timeout, timeouts), { read: idle ?? timeouts.read, send: idle ?? timeouts.send });
  return nodes(
    // nginx refuses `burst=0` (its default) and has nothing for nodelay to do without a burst.
    rateLimit !== false &&
      `limit_req zone=${names.limitZone}${rateLimit.burst > 0 ? ` burst=${rateLimit.burst}${rateLimit.nodelay ? ' nodelay' : ''}` : ''}`,
    rateLimit !== false && `limit_req_status ${rateLimit.status}`,
    // nginx logs a rejection at error by default, beside the server's real failures; a delayed request a level lower.
    rateLimit !== false && `limit_req_log_level ${rateLimit.logLevel}`,
    // Counted once per request, in whichever of the locations proxies it (nginx marks the request counted).
    connLimit !== false && `limit_conn ${names.connZone} ${connLimit.max}`,
    connLimit !== false && `limit_conn_status ${connLimit.status}`,
    connLimit !== false && `limit_conn_log_level ${connLimit.logLevel}`,
    // nginx's own 429 says nothing of when to come back: clients and their retry logic guess, or hammer.
    ...rateLimitErrorPage(site),
    `proxy_pass ${site.upstream.tls ? 'https' : 'http'}://${names.upstream}`,
    ...upstreamTls(site),
    // HTTP/1.1 to the upstream is what makes keepalive in the upstream block work at all.
    'proxy_http_version 1.1',
    `proxy_set_header Host ${names.host}`,
    `proxy_set_header Upgrade ${names.upgrade}`,
    `proxy_set_header Connection ${names.connection}`,
    'proxy_set_header X-Real-IP $remote_addr',
    `proxy_set_header X-Forwarded-For ${site.realIpFrom === undefined ? '$proxy_add_x_forwarded_for' : names.forwardedFor}`,
    `proxy_set_header X-Forwarded-Proto ${site.realIpFrom === undefined ? '$scheme' : names.proto}`,
    `proxy_set_header X-Forwarded-Host ${names.host}`,
    // The forwarding headers nginx has no value of its own for, cleared (an empty value is not sent): passed on as the
    // client wrote them, they named any scheme, host, port or address to an app that reads them (RFC 7239 Forwarded;
    // X-Forwarded-Port, read by Astro's Node adapter and SvelteKit's PORT_HEADER; X-Forwarded-Ssl). The port is in
    // Host and X-Forwarded-Host already: a port header beside it would name it twice (SvelteKit appends it).
    "proxy_set_header Forwarded ''",
    "proxy_set_header X-Forwarded-Port ''",
    "proxy_set_header X-Forwarded-Ssl ''",
    // The client address under the other names apps read (client-ip-headers.ts).
    ...clientIpHeaderLines(site),
    `proxy_set_header X-Request-Id ${names.requestId}`,
    `proxy_connect_timeout ${timeouts.connect}`,
    `proxy_send_timeout ${idle ?? timeouts.send}`,
    `proxy_read_timeout ${idle ?? timeouts.read}`,
    ...headerBuffers(site.headerBufferSize),
    // nginx never retries POST, LOCK or PATCH on another server (no `non_idempotent` flag): only idempotent
    // requests are replayed, and only while no byte of the response has reached the client. No http_5xx: the app's
    // own 502, 503 or 504 (a route that is down, "busy, retry later") is its answer, passed through as is; listed,
    // nginx would try it on every host, answer 502 in its place, and count each one as a host failure (max_fails),
    // so a few requests to one bad route would take every host out for fail_timeout.
    retries === false ? 'proxy_next_upstream off' : 'proxy_next_upstream error timeout',
    retries !== false && `proxy_next_upstream_tries ${retries.tries}`,
    retries !== false && `proxy_next_upstream_timeout ${budget(retries.timeout)}`,
  );
}

// An app that serves HTTPS itself. SNI is the site's public name (options.ts), as the app's own certificate for it
// expects; with none to take (server_name _), the client's $host, no name to verify then. nginx's defaults would send
// the upstream block's name (hive_<app>) and, before 1.23.4, offer no TLS 1.3. Verification is nginx's default, off,
// unless a CA file is given: an app's certificate behind nginx is most often self-signed, and nginx trusts no CA of
// its own. Sessions are reused (nginx's default, said): a kept-alive upstream connection aside, each new one resumes.
function upstreamTls(site: EdgeSite): NginxNode[] {
  const { tls } = site.upstream;
  if (tls === false) return [];
  return nodes(
    'proxy_ssl_server_name on',
    `proxy_ssl_name ${tls.name ?? '$host'}`,
    'proxy_ssl_protocols TLSv1.2 TLSv1.3',
    'proxy_ssl_session_reuse on',
    tls.ca === undefined ? 'proxy_ssl_verify off' : 'proxy_ssl_verify on',
    tls.ca !== undefined && `proxy_ssl_trusted_certificate ${quote(tls.ca)}`,
  );
}

// The response's headers must fit proxy_buffer_size. nginx -t then wants proxy_busy_buffers_size at least that, and
// below all proxy_buffers but one: 4k pages (x86 Linux's, nginx's default size) grown past 8 only for a header
// buffer above 28k, so the memory a buffered response may take stays nginx's default unless asked for.
function headerBuffers(kib: number): string[] {
  return [
    `proxy_buffer_size ${kib}k`,
    `proxy_buffers ${Math.max(8, Math.ceil(kib / 4) + 1)} 4k`,
    `proxy_busy_buffers_size ${kib}k`,
  ];
}

// A request's line and each header line must fit one of these: nginx's default (4 8k) answered 400 to a cookie or a
// JWT over 8k that Node.js (--max-http-header-size, 16k) takes. The size of --header-buffer, which is Node's limit by
// default, and never below nginx's own 8k. nginx reads what comes before Host (the request line, and any header a
// client sends first) with the default server's value of the address and port: every server block carries it, so in
// a conf.d file beside another default server (Debian's default site) that one's holds until Host.
function clientHeaderBuffers(site: EdgeSite): string {
  return `large_client_header_buffers 4 ${Math.max(8, site.headerBufferSize)}k`;
}

function acmeLocation(site: EdgeSite): NginxNode | false {
  if (site.acme === false) return false;
  // ^~ so that no regex location (e.g. a static-files rule) can shadow the challenge.
  return block(`location ^~ ${kAcmeLocation}`, [`root ${quote(site.acme.root)}`, 'default_type text/plain']);
}

function gzip(site: EdgeSite): string[] {
  if (!site.gzip) return ['gzip off'];
  return [
    'gzip on',
    'gzip_vary on',
    // Compress proxied responses too: nginx skips them by default when the request came through another proxy.
    'gzip_proxied any',
    'gzip_comp_level 5',
    'gzip_min_length 1024',
    `gzip_types ${kGzipTypes}`,
  ];
}
