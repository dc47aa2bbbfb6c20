import { isIP } from 'node:net';
import { bareHost } from './bind-host.js';

// Shared by the dashboard and the metrics endpoints (and the CLI's flag checks), so that both apply one rule.

/**
 * True when only this machine can reach `host`: `localhost`, 127.0.0.0/8, `::1` (and its IPv4-mapped form). Any other
 * address, `0.0.0.0` and `::` included, may be reachable from elsewhere, so the dashboard wants a token there.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = bareHost(host);
  // Names are case-insensitive, and `localhost.` is the same name written fully qualified.
  const name = bare.toLowerCase();
  if (name === 'localhost' || name === 'localhost.') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return isLoopbackIPv6(bare);
  return false;
}

// Any way to write ::1 or an IPv4-mapped 127.0.0.0/8 address: a browser sends `[::ffff:127.0.0.1]` as
// `[::ffff:7f00:1]`, the form the URL standard writes it in, so every form is compared in that one.
function isLoopbackIPv6(address: string): boolean {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}

/**
 * Whether a request's Host header names this machine (`localhost` in any case, with or without its trailing dot, or a
 * loopback address, any port). An endpoint that serves only this machine must refuse other names: a web page
 * elsewhere can reach it through the browser by pointing its own name at 127.0.0.1 (DNS rebinding), and such requests
 * carry that name as Host. No header (or an empty one) is allowed: a browser always sends one, so only a client of
 * this machine omits it (an HTTP/1.0 health check, HAProxy's default httpchk).
 */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  if (header === undefined || header === '') return true;
  const host = hostOfHeader(header);
  return host !== undefined && isLoopbackHost(host);
}

/**
 * The host of a Host header, without its port (`[::1]:8080` -> `[::1]`), or undefined when the header is no
 * `host[:port]`: a bracketed IPv6 literal or a name with no colon, then at most one `:` and digits. Read loosely,
 * `[::1]evil.example`, `[::1].evil.example:80` or `127.0.0.1:42002@evil.example` passed as loopback.
 */
function hostOfHeader(header: string): string | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::\d+)?$/.exec(header);
  return match?.[1];
}
