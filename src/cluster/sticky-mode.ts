import { describeValue, InvalidArgumentError } from '../errors.js';
import { headerLines } from './http-head.js';

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
 * The client key of a connection: the header or cookie value from the first request's head, else the remote address
 * (so a client without the header or cookie still sticks to one worker). An empty value counts as none: clients that
 * all send `X-Session:` empty would otherwise all land on one worker.
 */
export function stickyKey(mode: StickyMode, head: string | null, remoteAddress: string | undefined): string {
  const ip = remoteAddress ?? '';
  if (mode.by === 'ip' || head === null) return ip;
  const headerName = mode.by === 'header' ? mode.name.toLowerCase() : 'cookie';
  // What the router read may run past the head: a body, a pipelined request. Only the head's lines are headers.
  for (const line of headerLines(head)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== headerName) continue;
    const value = line.slice(colon + 1).trim();
    if (mode.by === 'header') {
      if (value !== '') return value;
      continue;
    }
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=');
      const cookie = pair.slice(eq + 1).trim();
      if (eq > 0 && pair.slice(0, eq).trim() === mode.name && cookie !== '') return cookie;
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
