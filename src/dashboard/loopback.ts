import { isIP } from 'node:net';

/**
 * True when only this machine can reach `host`: `localhost`, 127.0.0.0/8, `::1` (and its IPv4-mapped form). Any other
 * address, `0.0.0.0` and `::` included, may be reachable from elsewhere, so the dashboard wants a token there.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}
