import { isIP } from 'node:net';

// Where Hive's own servers (the metrics endpoints, the dashboard) may bind: one rule for their flags and variables,
// and one way to tell a bad address from a taken port when the bind fails.

// A host name as RFC 1123 writes it: dot-separated labels of letters, digits and inner hyphens, a trailing dot allowed;
// underscores too, which Docker Compose service names may hold (and the resolver takes).
const kHostName =
  /^(?=.{1,254}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** `host` with the brackets of an IPv6 literal (`[::1]`) taken off, as listen() wants it. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `http://host:port` for a server bound to `host`, an IPv6 literal bracketed (`http://[::1]:9464`) whether or not it was. */
export function httpOrigin(host: string, port: number): string {
  const bare = bareHost(host);
  return `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/**
 * Why `host` cannot be an address to bind (an IP address, bracketed or not, or a host name), or undefined. A port
 * written into it (`127.0.0.1:9`) would otherwise reach listen() and fail as a lookup, reported as the port's fault.
 */
export function bindHostProblem(host: string): string | undefined {
  const bare = bareHost(host);
  if (isIP(bare) !== 0 || (bare === host && kHostName.test(host))) return undefined;
  return /^[^:]+:\d+$/.test(host) || /^\[.*\]:\d+$/.test(host)
    ? 'an address or host name without a port (the port is set apart)'
    : 'an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name';
}

/** Whether a bind failed on its address (no such name, not one of this machine's), not on its port. */
export function isAddressBindError(detail: string): boolean {
  return ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EADDRNOTAVAIL'].includes(detail);
}

/** What a bind that failed on its address says of the host (the code ERR_HIVE_*_PORT_IN_USE stays, the port is fine). */
export const kNotHere =
  'is not an address of this machine, nor a name that resolves to one: give one of its addresses (127.0.0.1, ::1, ' +
  'or 0.0.0.0 for all)';
