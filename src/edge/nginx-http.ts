/**
 * The http-level part of one app: the maps, log format, rate-limit zone and upstream block. Every name carries the
 * app's id so that several apps (or several generated files in conf.d) never collide.
 */
import { clientIpHeaderMaps } from './client-ip-headers.js';
import { upstreamAddress } from './host-list.js';
import { block, type NginxNode, nodes, quote } from './nginx-writer.js';
import { type EdgeSite, nginxId, type UpstreamServer } from './options.js';

// A host name as forwarded to the app: letters, digits, `_`, `.`, `-`, or an IPv6 literal. nginx itself lets through
// `@ " < > | # ?` and more in Host (with one server on a socket, every Host reaches it), which a URL parser reads as
// userinfo, fragment or query: `new URL('/p', 'http://app.example.com@evil.com').host` is evil.com.
const kHostName = String.raw`[a-z0-9_.-]+|\[[0-9a-f:.]+\]`;
/** The regex a server block holds $host to, answering 400 (RFC 9112, 3.2: an invalid Host) to anything else. */
export const kValidHost = `^(?:${kHostName})$`;
// 1-65535 without leading zeros: what Node's URL parser takes (it throws on 65536, and an uncaught throw in a plain
// http handler ends the worker), and one spelling per port.
const kPort = '[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]';
// The start of an absolute-form request line as nginx takes it: a method of letters, `-` or `_` (M-SEARCH), one or
// more spaces, a scheme.
const kAbsoluteUri = '[a-z_-]+ +[a-z][a-z0-9+.-]*://';
// The one Upgrade value forwarded to the app, as a map key.
const kWebSocket = '"~*^websocket$"';

/** Names of the nginx objects generated for one app. */
export function siteNames(site: EdgeSite) {
  const id = nginxId(site.app);
  return {
    upstream: `hive_${id}`,
    connection: `$hive_${id}_connection`,
    upgrade: `$hive_${id}_upgrade`,
    requestId: `$hive_${id}_request_id`,
    hsts: `$hive_${id}_hsts`,
    host: `$hive_${id}_host`,
    headerHost: `$hive_${id}_header_host`,
    logFormat: `hive_${id}`,
    limitZone: `hive_${id}`,
    // limit_req and limit_conn zones share one namespace, and "_" could be part of another app's name: "." cannot.
    connZone: `hive_${id}.conn`,
    sslCache: `hive_${id}_ssl`,
    stickyKey: `$hive_${id}_sticky_key`,
    trustedPeer: `$hive_${id}_trusted_peer`,
    proto: `$hive_${id}_proto`,
    forwardedFor: `$hive_${id}_xff`,
  };
}

/**
 * The key a `hash:cookie:<name>` or `hash:header:<name>` balance hashes on, as a map, or false for other balances.
 * Empty (no cookie yet, no header), it is the client address, as in Hive's own router (sticky-mode.ts): nginx's
 * `hash` spreads requests with an empty key round-robin, so a browser's first request and its WebSocket upgrade,
 * made before the cookie is set, would land on different hosts. A cookie is read from the Cookie header by a regex:
 * nginx variable names stop at anything but letters, digits and `_`, so `$cookie_connect.sid` would hash the cookie
 * `connect` and the text `.sid`.
 */
function stickyKeyMap(site: EdgeSite, variable: string): NginxNode | false {
  const { balance } = site.upstream;
  if (!balance.startsWith('hash:cookie:') && !balance.startsWith('hash:header:')) return false;
  const name = balance.slice(balance.indexOf(':', 'hash:'.length) + 1);
  if (balance.startsWith('hash:header:')) {
    // options.ts has refused a name nginx drops: what remains is letters, digits and `-`.
    const header = `$http_${name.toLowerCase().replaceAll('-', '_')}`;
    return block(`map ${header} ${variable}`, ['"" $remote_addr', `default ${header}`]);
  }
  // A token's every other character is escaped for PCRE; none is a quote or a backslash, which nginx's reader takes.
  const pattern = name.replace(/[^A-Za-z0-9_]/g, '\\$&');
  return block(`map $http_cookie ${variable}`, [
    'default $remote_addr',
    `"~(?:^|;\\s*)${pattern}=\\s*(?<hive_cookie>[^;\\s][^;]*)" $hive_cookie`,
  ]);
}

/** Renders the http-context directives of one app. */
export function renderHttpLevel(site: EdgeSite): NginxNode[] {
  const names = siteNames(site);
  return nodes(
    // With upstream keep-alive the Connection header must be empty on ordinary requests (keep the connection) and
    // "upgrade" on WebSocket handshakes; the common `Connection 'upgrade'` on every request disables keep-alive.
    // Only a WebSocket's Upgrade (any case, RFC 6455 4.2.1) is forwarded: `Upgrade: h2c` passed on would let a client
    // switch its connection to the app to HTTP/2 cleartext, a tunnel past every rule of this config (h2c smuggling).
    block(`map $http_upgrade ${names.connection}`, ["default ''", `${kWebSocket} upgrade`]),
    block(`map $http_upgrade ${names.upgrade}`, ["default ''", `${kWebSocket} $http_upgrade`]),
    // The Host the client sent, port included, as $host (nginx's lower-cased name) plus the port: $host never has
    // the port, so on a port other than 80 or 443 the app would build URLs (redirects, links, Origin checks) for the
    // wrong one. Only when the header is exactly $host plus a port of 1-65535 (kPort): nginx checks nothing after the
    // ':' (`app.example.com:@evil.com` matches server_name app.example.com, and a URL parser then reads host
    // evil.com). Anything else, and a request without Host (HTTP/1.0: Node answers 400 to an HTTP/1.1 request
    // without one), gets $host, which the server block has already checked is a host name (kValidHost).
    // Case-insensitive: the backreference matches the client's spelling, and the app gets $host's lower case. A
    // trailing dot after the name (`Host: app.example.com.:8080`) is allowed, as in the absolute-URI rule: nginx drops
    // it from $host, and the name is the same one.
    block(`map "$host|$http_host" ${names.headerHost}`, [
      'default $host',
      `"~*^(?<hive_host_name>${kHostName})\\|\\k<hive_host_name>\\.?:(?<hive_host_port>${kPort})$" $host:$hive_host_port`,
    ]),
    // A request line with an absolute URI (`GET http://app.example.com:8080/ HTTP/1.1`, as forward-proxy-minded clients
    // send) carries the authority, and RFC 9112 (3.2.2) says it replaces Host; $host is its name without the port (and
    // without a trailing dot), and no nginx variable holds the port but the raw request line, $request. Taken from
    // there only when it is exactly $host plus a port, as above: nginx has already refused a request line whose
    // authority has anything else (userinfo, a non-numeric port). An absolute URI this rule does not read (a port out
    // of range, a spelling nginx takes that the regex does not know) gets $host, never the Host header's port, which
    // does not name this request's authority. $request is first in the key, so a `|` later in it cannot shift where
    // $host starts ($host, from that authority, has none). No absolute URI: the Host header's rule. nginx tries a
    // map's regexes in order.
    block(`map "$request|$host" ${names.host}`, [
      `default ${names.headerHost}`,
      `"~*^${kAbsoluteUri}(?<hive_uri_name>${kHostName})\\.?:(?<hive_uri_port>${kPort})[/? ].*\\|\\k<hive_uri_name>$" $host:$hive_uri_port`,
      `"~*^${kAbsoluteUri}" $host`,
    ]),
    // HSTS for a server block that serves plain HTTP beside HTTPS: the header's value on HTTPS only.
    site.tls !== undefined &&
      !site.tls.redirect &&
      site.tls.hsts !== false &&
      block(`map $https ${names.hsts}`, [`on ${quote(hstsValue(site.tls.hsts))}`, "default ''"]),
    // Behind a trusted load balancer, its X-Forwarded-Proto says how the client came (TLS ended at the balancer);
    // from anyone else the header is the client's own claim, and $scheme stands. $realip_remote_addr is the peer
    // nginx saw, before set_real_ip_from replaced $remote_addr with the client's address.
    site.realIpFrom !== undefined &&
      block(`geo $realip_remote_addr ${names.trustedPeer}`, ['default 0', ...site.realIpFrom.map((c) => `${c} 1`)]),
    site.realIpFrom !== undefined &&
      // Any case (a scheme is case-insensitive, RFC 3986 3.1), forwarded in the lower case apps compare with.
      block(`map "${names.trustedPeer}|$http_x_forwarded_proto" ${names.proto}`, [
        'default $scheme',
        '"~*^1\\|https$" https',
        '"~*^1\\|http$" http',
      ]),
    // $proxy_add_x_forwarded_for appends $remote_addr, which realip has already replaced with the client's address:
    // the balancer would vanish from the chain and the client be named twice. Append the peer nginx saw instead, as
    // every proxy does; from an untrusted peer that is $remote_addr, as without realIpFrom.
    site.realIpFrom !== undefined &&
      block(`map $http_x_forwarded_for ${names.forwardedFor}`, [
        '"" $realip_remote_addr',
        'default "$http_x_forwarded_for, $realip_remote_addr"',
      ]),
    ...clientIpHeaderMaps(site, names.trustedPeer),
    // Pass a well-formed incoming X-Request-Id through (tracing across hops), otherwise mint one per request.
    block(`map $http_x_request_id ${names.requestId}`, [
      'default $request_id',
      `"~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id`,
    ]),
    stickyKeyMap(site, names.stickyKey),
    site.accessLog !== false &&
      [
        `log_format ${names.logFormat} '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '`,
        `    '"$http_referer" "$http_user_agent" rid=${names.requestId} upstream=$upstream_addr '`,
        // uct and uht split urt: a slow connect (a host down or overloaded) from a slow app (time to its headers).
        `    'upstream_status=$upstream_status rt=$request_time uct=$upstream_connect_time '`,
        `    'uht=$upstream_header_time urt=$upstream_response_time'`,
      ].join('\n'),
    site.rateLimit !== false &&
      `limit_req_zone $binary_remote_addr zone=${names.limitZone}:${site.rateLimit.zoneSize} rate=${site.rateLimit.rate}`,
    site.connLimit !== false && `limit_conn_zone $binary_remote_addr zone=${names.connZone}:${site.connLimit.zoneSize}`,
    '',
    renderUpstream(site),
  );
}

function renderUpstream(site: EdgeSite): NginxNode {
  const { upstream } = site;
  return block(`upstream ${siteNames(site).upstream}`, [
    balanceDirective(upstream.balance, siteNames(site).stickyKey),
    ...upstream.servers.map((server) => {
      const weight = 'weight' in server && server.weight !== undefined ? ` weight=${server.weight}` : '';
      const backup = 'backup' in server && server.backup ? ' backup' : '';
      return `server ${serverAddress(server)}${weight} max_fails=${upstream.maxFails} fail_timeout=${upstream.failTimeout}${backup}`;
    }),
    // keepalive must follow the balancing method (nginx docs), or the method would wrap the keepalive handler.
    ...(upstream.keepalive > 0
      ? [
          `keepalive ${upstream.keepalive}`,
          `keepalive_requests ${upstream.keepaliveRequests}`,
          `keepalive_timeout ${upstream.keepaliveTimeout}`,
        ]
      : [
          site.sticky !== undefined && site.sticky !== false
            ? '# no upstream keep-alive: the sticky cluster routes each connection, so each request gets its own'
            : '# no upstream keep-alive (keepalive 0): each request opens a connection of its own',
          // nginx 1.29.7 and later (the stable 1.30 on) keep upstream connections alive by default (keepalive 32,
          // 60s idle), and only they take `keepalive 0`, which older nginx refuses: one request per connection turns
          // that default off, and is a no-op where keep-alive is off already.
          'keepalive_requests 1',
        ]),
  ]);
}

function serverAddress(server: UpstreamServer): string {
  return 'socket' in server ? `unix:${server.socket}` : upstreamAddress(server);
}

function balanceDirective(balance: EdgeSite['upstream']['balance'], mapped: string): string | false {
  if (balance === 'round_robin') return false;
  if (balance === 'least_conn' || balance === 'ip_hash') return balance;
  // consistent (ketama): adding or removing a host moves only that host's share of clients.
  if (balance === 'hash:ip') return 'hash $remote_addr consistent';
  return `hash ${mapped} consistent`;
}

/** The Strict-Transport-Security value: two years by default. */
export function hstsValue(hsts: true | { maxAge: number; includeSubDomains: boolean; preload: boolean }): string {
  const { maxAge, includeSubDomains, preload } =
    hsts === true ? { maxAge: 63072000, includeSubDomains: false, preload: false } : hsts;
  return `max-age=${maxAge}${includeSubDomains ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`;
}
