/**
 * Refuses an upstream server that is nginx itself: an address and port the config listens on. nginx would proxy each
 * request to itself, each hop a new connection, until `worker_connections are not enough`; `nginx -t` passes it.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { EdgeOptionError } from './errors.js';
import { formatHostPort, type HostPort } from './host-list.js';
import type { EdgeSite } from './options.js';

/** Where nginx listens: `*` and `::` are the IPv4 and IPv6 wildcards, anything else one address (or host name). */
interface ListenSocket {
  address: string;
  port: number;
  /** The option that opens it, for the message: `listen.port` or `tls.port`. */
  option: 'listen.port' | 'tls.port';
  app: string;
  index: number;
}

// The address a connection to `host` lands on, as Linux connects: the unspecified addresses are this machine's
// loopback (0.0.0.0 as 127.0.0.1, [::] as [::1]), `localhost` is rendered 127.0.0.1 (host-list.ts), an IPv4-mapped
// IPv6 address is its IPv4 one, and IPv6 is in its one canonical spelling.
function connectedAddress(host: string): string {
  const name = host.toLowerCase();
  if (name === 'localhost' || name === '0.0.0.0') return '127.0.0.1';
  if (!isIPv6(name)) return name;
  const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
  if (canonical === '::') return '::1';
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped === null) return canonical;
  const [high, low] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function listenAddress(address: string | undefined): string {
  if (address === undefined || address === '0.0.0.0') return '*';
  const name = address.toLowerCase();
  if (name === 'localhost') return '127.0.0.1';
  return isIPv6(name) ? new URL(`http://[${name}]/`).hostname.slice(1, -1) : name;
}

// A wildcard listen takes every address of its family on this machine; of those, only the loopback ones can be told
// from the config alone (nginx binds [::] with ipv6only=on, so it does not take IPv4).
function reaches(listen: ListenSocket, server: HostPort): boolean {
  if (listen.port !== server.port) return false;
  const address = connectedAddress(server.host);
  if (listen.address === '*') return isIPv4(address) && address.startsWith('127.');
  if (listen.address === '::') return address === '::1';
  return listen.address === address;
}

function listenSockets(sites: readonly EdgeSite[]): ListenSocket[] {
  return sites.flatMap((site, index) => {
    const addresses = [listenAddress(site.listen.address), ...(site.listen.ipv6 ? ['::'] : [])];
    const ports = [
      { port: site.listen.port, option: 'listen.port' as const },
      ...(site.tls ? [{ port: site.tls.port, option: 'tls.port' as const }] : []),
    ];
    return addresses.flatMap((address) => ports.map((port) => ({ address, ...port, app: site.app, index })));
  });
}

/** Throws `ERR_HIVE_EDGE_INVALID_OPTION` naming the upstream key of the first server any site listens on. */
export function checkSelfProxy(sites: readonly EdgeSite[]): void {
  const sockets = listenSockets(sites);
  for (const [index, site] of sites.entries()) {
    const { upstream } = site;
    // The servers are the local cluster's (its socket, else its port) first, then the hosts in their order.
    const hasLocal = upstream.socket !== undefined || upstream.port !== undefined;
    for (const [position, server] of upstream.servers.entries()) {
      if ('socket' in server) continue;
      const listen = sockets.find((socket) => reaches(socket, server));
      if (listen === undefined) continue;
      const isLocal = hasLocal && position === 0;
      const hostIndex = position - (hasLocal ? 1 : 0);
      const key = isLocal ? `sites[${index}].upstream.port` : `sites[${index}].upstream.hosts[${hostIndex}]`;
      throw new EdgeOptionError(key, message(key, site, index, server, listen, isLocal));
    }
  }
}

function message(
  key: string,
  site: EdgeSite,
  index: number,
  server: HostPort,
  listen: ListenSocket,
  isLocal: boolean,
): string {
  const where =
    listen.address === '*' ? 'every IPv4 address' : listen.address === '::' ? 'every IPv6 address' : listen.address;
  const flag = listen.option === 'listen.port' ? '--listen' : '--tls-port';
  const owner = listen.index === index ? '' : ` of app ${JSON.stringify(listen.app)} (sites[${listen.index}])`;
  const what = isLocal ? `the local cluster's ${formatHostPort(server)}` : formatHostPort(server);
  return (
    `${key}: app ${JSON.stringify(site.app)}: ${what} is the port nginx itself listens on (${listen.option} ` +
    `${listen.port}${owner}, on ${where}): nginx would proxy each request to itself, over and over, until its ` +
    `worker connections run out. upstream.port (--port) and upstream.hosts (--hosts) are the app's, listen.port ` +
    `(--listen) and tls.port (--tls-port) nginx's: give the port the app listens on, or move nginx (${flag})`
  );
}
