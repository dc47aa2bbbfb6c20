import { describeValue, InvalidArgumentError } from '../errors.js';
import { cookieValue } from '../runtime/cookie-value.js';
import { headerLines } from './http-head.js';

/** What identifies a client in sticky mode. */
export type StickyMode = { by: 'ip' } | { by: 'header'; name: string } | { by: 'cookie'; name: string };

// An HTTP token (RFC 9110, 5.6.2): what a header name, and a cookie name (RFC 6265, 4.1.1), may hold.
const kToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const kExpected = 'expected ip, header:<name> or cookie:<name>';

/**
 * Why `value` is no sticky mode (`ip`, `header:<name>` or `cookie:<name>`), or undefined when it is one. The one
 * rule for every command and config that takes a sticky setting (`hive run`, `hive start`, `hive edge`, `hive
 * deploy`); what a proxy in front cannot express is the proxy's generator's to refuse.
 */
export function stickyModeProblem(value: string): string | undefined {
  if (value === 'ip') return undefined;
  const match = /^(header|cookie):(.*)$/s.exec(value);
  if (!match) return kExpected;
  const name = match[2]!;
  if (kToken.test(name)) return undefined;
  if (name === '') return `expected a ${match[1]} name after "${match[1]}:"`;
  const bad = [...name].find((char) => !kToken.test(char))!;
  return (
    `the ${match[1]} name ${JSON.stringify(name)} holds ${JSON.stringify(bad)}: an HTTP ${match[1]} name is letters, ` +
    "digits and !#$%&'*+-.^_`|~"
  );
}

/** Parses `ip`, `header:<name>` or `cookie:<name>`. */
export function parseStickyMode(value: string): StickyMode {
  const problem = stickyModeProblem(value);
  if (problem !== undefined) {
    const detail = problem === kExpected ? '' : `: ${problem}`;
    throw new InvalidArgumentError(
      `Expected \`sticky\` to be ip, header:<name> or cookie:<name>, got ${describeValue(value)}${detail}`,
    );
  }
  if (value === 'ip') return { by: 'ip' };
  const colon = value.indexOf(':');
  return { by: value.slice(0, colon) as 'header' | 'cookie', name: value.slice(colon + 1) };
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
    const cookie = cookieValue(value, mode.name);
    if (cookie !== undefined) return cookie;
  }
  return ip;
}

/**
 * The slot a connection's pin cookie `cookie` names (the app's stickyCookieName, which the runtime set to its instance
 * number, see runtime/sticky-cookie.ts), or undefined when the head has none or a malformed one.
 */
export function pinnedSlot(head: string, cookie: string): number | undefined {
  for (const line of headerLines(head)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim().toLowerCase() !== 'cookie') continue;
    const value = cookieValue(line.slice(colon + 1), cookie);
    if (value !== undefined) return /^\d{1,6}$/.test(value) ? Number(value) : undefined;
  }
  return undefined;
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
