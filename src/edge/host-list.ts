/**
 * Parses and checks upstream host entries (`10.0.0.5:3000`, `app-2.internal:3000`, `[fd00::5]:3000`).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { EdgeHostError } from './errors.js';

/** One upstream server address. `host` keeps IPv6 brackets off; the renderer adds them back. */
export interface HostPort {
  host: string;
  port: number;
  /** nginx's `weight=`: the server's share of the requests against the others' (1, nginx's default, when absent). */
  weight?: number;
  /** nginx's `backup`: sent requests only while every other server is down or taken out. */
  backup?: boolean;
}

/** The most `weight=` takes: far past any real ratio, and small enough that nginx's sums of weights never wrap. */
export const kMaxWeight = 1000;

// RFC 1123 labels; a trailing dot is not accepted because nginx would pass it to the resolver verbatim.
export const kHostname =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Parses one `host:port` entry, optionally followed by nginx's own server parameters `weight=<n>` and `backup`
 * (`10.0.0.5:3000 weight=3`, `10.0.0.6:3000 backup`); `key` names where it came from in error messages.
 */
export function parseHostPort(entry: string, key: string): HostPort {
  const [address = '', ...params] = entry.trim().split(/\s+/);
  return { ...parseAddress(address, entry, key), ...parseParams(params, entry, key) };
}

// Only the two parameters a host list needs: max_fails and fail_timeout are the upstream's (one value for every
// server), and `down` is a host left out of the list.
function parseParams(params: readonly string[], entry: string, key: string): Pick<HostPort, 'weight' | 'backup'> {
  const result: Pick<HostPort, 'weight' | 'backup'> = {};
  for (const param of params) {
    const name = param.split('=')[0]!;
    if ((name === 'weight' && result.weight !== undefined) || (name === 'backup' && result.backup !== undefined)) {
      throw new EdgeHostError(key, `${key}: ${JSON.stringify(entry)} gives ${name} twice`);
    }
    if (param === 'backup') {
      result.backup = true;
      continue;
    }
    const weight = /^weight=(\d{1,4})$/.exec(param)?.[1];
    if (weight !== undefined && Number(weight) >= 1 && Number(weight) <= kMaxWeight) {
      result.weight = Number(weight);
      continue;
    }
    throw new EdgeHostError(
      key,
      name === 'weight'
        ? `${key}: ${JSON.stringify(param)} in ${JSON.stringify(entry)}: the weight is an integer from 1 to ${kMaxWeight}`
        : `${key}: ${JSON.stringify(param)} in ${JSON.stringify(entry)}: after host:port, expected weight=<n> or ` +
            'backup (such as "10.0.0.5:3000 weight=3" or "10.0.0.6:3000 backup")',
    );
  }
  return result;
}

function parseAddress(text: string, entry: string, key: string): HostPort {
  // A URL pasted in (`http://app-2:3000`): the colon after the scheme would otherwise read as an IPv6 address's.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    const rest = text.slice(scheme[0].length).replace(/[/?#].*$/s, '');
    const example = /:\d+$/.test(rest) ? rest : `${rest || 'app-2.internal'}:3000`;
    throw new EdgeHostError(
      key,
      `${key}: ${JSON.stringify(entry)}: drop the scheme (${scheme[0]}): an upstream host is host:port, such as ${example}`,
    );
  }
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2]!;
    if (!isIPv6(host)) throw new EdgeHostError(key, `${key}: ${JSON.stringify(entry)} is not a valid IPv6 address`);
    // Node takes a zone id (fe80::1%eth0) as part of an IPv6 address; nginx's upstream parser refuses it.
    if (host.includes('%')) {
      throw new EdgeHostError(
        key,
        `${key}: ${JSON.stringify(entry)} has an IPv6 zone id, which nginx does not take: use a global or ULA address`,
      );
    }
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new EdgeHostError(key, `${key}: ${JSON.stringify(entry)} needs the form host:port (e.g. 10.0.0.5:3000)`);
    }
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) {
      throw new EdgeHostError(key, `${key}: ${JSON.stringify(entry)}: write IPv6 addresses in brackets, [addr]:port`);
    }
    const looksNumeric = /^[\d.]+$/.test(host);
    if (looksNumeric ? !isIPv4(host) : !kHostname.test(host)) {
      throw new EdgeHostError(key, `${key}: ${JSON.stringify(host)} in ${JSON.stringify(entry)} is not a valid host`);
    }
  }
  return { host, port: parsePort(portText, entry, key) };
}

function parsePort(text: string, entry: string, key: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new EdgeHostError(
      key,
      `${key}: port ${JSON.stringify(text)} in ${JSON.stringify(entry)} is not an integer from 1 to 65535`,
    );
  }
  return port;
}

/**
 * Parses a comma-separated host list (the `--hosts` flag) or an array of entries. Rejects an empty list and
 * duplicates, which would silently double one host's share of the traffic.
 */
export function parseHostList(input: string | readonly (string | HostPort)[], key = 'upstream.hosts'): HostPort[] {
  const entries = typeof input === 'string' ? input.split(',').filter((part) => part.trim() !== '') : input;
  if (entries.length === 0) throw new EdgeHostError(key, `${key}: the host list is empty`);
  const seen = new Map<string, { index: number; server: HostPort }>();
  return entries.map((entry, index) => {
    const itemKey = `${key}[${index}]`;
    const parsed = parseHostPort(typeof entry === 'string' ? entry : formatServer(entry), itemKey);
    const id = sameServerKey(parsed);
    const first = seen.get(id);
    if (first !== undefined) {
      const text = formatHostPort(parsed);
      const earlier = formatHostPort(first.server);
      // Another spelling of the first one (`localhost:3000` after `127.0.0.1:3000`): say which entry it repeats.
      const note = loopbackNote(parsed, first.server);
      const as = earlier === text ? '' : `, as ${earlier} (entry ${first.index + 1})${note && `: ${note}`}`;
      throw new EdgeHostError(itemKey, `${itemKey}: ${text} is listed twice${as}`);
    }
    seen.set(id, { index, server: parsed });
    return parsed;
  });
}

// The loopback spellings of this machine as nginx resolves them: `localhost` is 127.0.0.1 and ::1 (/etc/hosts), and
// a server on `::` (Node's default) takes both. 127.0.0.2 and the like stay other servers: an app may listen there.
const kLoopback = new Set(['localhost', '127.0.0.1', '[::1]', '[::ffff:7f00:1]']);

/**
 * The address a client on this machine reaches a server listening on `address` at: the wildcards (`0.0.0.0`, `::` in
 * any spelling) as 127.0.0.1, any other address as itself. `::` too is 127.0.0.1: Node binds it dual-stack (unless
 * `ipv6Only`), and where the machine has IPv6 off on loopback `[::1]` would not connect. (Not loopback-host.ts's rule,
 * which asks the other question: who else can reach a server there. A wildcard is reachable from everywhere.)
 */
export function reachedAt(address: string): string {
  const wildcard = address === '0.0.0.0' || (isIPv6(address) && new URL(`http://[${address}]/`).hostname === '[::]');
  return wildcard ? '127.0.0.1' : address;
}

/** Whether `server` is this machine by one of its loopback names (`localhost`, `127.0.0.1`, `[::1]`) or a wildcard. */
export function isLoopback(server: HostPort): boolean {
  return sameServerKey(server).startsWith('loopback:');
}

/** Why `servers`, one server by its key, are one: '' unless they are this machine by one of its names. */
export function loopbackNote(...servers: HostPort[]): string {
  if (!servers.some(isLoopback)) return '';
  const wildcard = servers.some(({ host }) => reachedAt(host) !== host);
  const more = wildcard ? ', and a server on 0.0.0.0 or [::] (every address) is reached at 127.0.0.1' : '';
  return `localhost, 127.0.0.1 and [::1] all reach this machine${more}`;
}

/**
 * What two entries share when they name one server: host names without case, IPv6 addresses in their one canonical
 * spelling (`[0:0::1]` and `[::1]` are the same address), this machine's loopback names as one (`localhost`,
 * `127.0.0.1`, `[::1]`, and the wildcards `0.0.0.0` and `[::]`, which nginx's connection reaches there), and the port.
 */
export function sameServerKey({ host, port }: HostPort): string {
  const reached = reachedAt(host);
  const canonical = isIPv6(reached) ? new URL(`http://[${reached}]/`).hostname : reached.toLowerCase();
  return `${kLoopback.has(canonical) ? 'loopback' : canonical}:${port}`;
}

/**
 * The address an upstream `server` line gives nginx for `server`: {@link formatHostPort}, with `localhost` (any case)
 * as `127.0.0.1`. nginx resolves a name once, at load, and makes every address a server of its own: `localhost`, which
 * /etc/hosts usually gives as 127.0.0.1 and ::1, would be two servers (two shares of the traffic) where one was
 * listed, and the ::1 one refused (an error in the log, a retry) for an app on 127.0.0.1 only. 127.0.0.1 reaches what
 * Node's default listen takes (`::`, dual-stack) and an app bound to 127.0.0.1; an app bound to ::1 only is `[::1]`.
 */
export function upstreamAddress(server: HostPort): string {
  return server.host.toLowerCase() === 'localhost' ? `127.0.0.1:${server.port}` : formatHostPort(server);
}

/** `host:port` and its parameters as a host list gives them: `10.0.0.5:3000 weight=3 backup`. */
export function formatServer(server: HostPort): string {
  const weight = server.weight === undefined ? '' : ` weight=${server.weight}`;
  return `${formatHostPort(server)}${weight}${server.backup ? ' backup' : ''}`;
}

/** `host:port`, with brackets around IPv6 addresses as nginx expects. */
export function formatHostPort({ host, port }: HostPort): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
