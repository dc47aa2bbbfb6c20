import { describeValue, InvalidArgumentError } from '../errors.js';

/** What identifies a client in sticky mode. */
export type StickyMode = { by: 'ip' } | { by: 'header'; name: string } | { by: 'cookie'; name: string };

/** Parses `ip`, `header:<name>` or `cookie:<name>`. */
export function parseStickyMode(value: string): StickyMode {
  if (value === 'ip') return { by: 'ip' };
  const match = /^(header|cookie):([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(value);
  if (match) return { by: match[1] as 'header' | 'cookie', name: match[2]! };
  throw new InvalidArgumentError(
    `Expected \`sticky\` to be ip, header:<name> or cookie:<name>, got ${describeValue(value)}`,
  );
}

/**
 * The client key of a connection: the header or cookie value from the request head, else the remote address (so a
 * client without the header or cookie still sticks to one worker).
 */
export function stickyKey(mode: StickyMode, head: string | null, remoteAddress: string | undefined): string {
  const ip = remoteAddress ?? '';
  if (mode.by === 'ip' || head === null) return ip;
  const headerName = mode.by === 'header' ? mode.name.toLowerCase() : 'cookie';
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== headerName) continue;
    const value = line.slice(colon + 1).trim();
    if (mode.by === 'header') return value;
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim() === mode.name) return pair.slice(eq + 1).trim();
    }
  }
  return ip;
}

/** FNV-1a: a cheap, stable string hash for picking a worker. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
