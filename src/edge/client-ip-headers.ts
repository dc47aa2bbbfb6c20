/**
 * The headers that name a client's address to an app besides the two nginx sets (X-Real-IP, X-Forwarded-For): nginx
 * passes a request's headers on as the client wrote them, so each is cleared, or, behind a trusted balancer
 * (realIpFrom), passed on from that balancer only.
 */
import { block, type NginxNode } from './nginx-writer.js';
import { type EdgeSite, nginxId } from './options.js';

// What npm's request-ip (getClientIp) reads, in its order, where nginx sets nothing: X-Client-IP first of all, before
// X-Forwarded-For, so `X-Client-IP: 1.2.3.4` from anyone was the client address of an app behind this edge (its rate
// limits, logs, allow lists). CDNs set some of them (Cloudflare's CF-Connecting-IP and CF-Pseudo-IPv4, Fastly's,
// Akamai's True-Client-IP), which is why a trusted balancer's are passed on. Forwarded is cleared with the other
// forwarding headers in nginx-server.ts.
const kClientIpHeaders = [
  'X-Client-IP',
  'CF-Connecting-IP',
  'Fastly-Client-IP',
  'True-Client-IP',
  'X-Cluster-Client-IP',
  'X-Forwarded',
  'Forwarded-For',
  'X-AppEngine-User-IP',
  'CF-Pseudo-IPv4',
] as const;

// `$http_<name>`: nginx's variable of a request header, lower case with `_` for `-`.
const snake = (header: string) => header.toLowerCase().replaceAll('-', '_');

function peerVariable(site: EdgeSite, header: string): string {
  return `$hive_${nginxId(site.app)}_peer_${snake(header)}`;
}

/**
 * Behind a trusted balancer, one map per header: its value when the connection comes from the balancer (`trustedPeer`
 * is the geo that says so), empty from anyone else. None without realIpFrom.
 */
export function clientIpHeaderMaps(site: EdgeSite, trustedPeer: string): NginxNode[] {
  if (site.realIpFrom === undefined) return [];
  return kClientIpHeaders.map((header) =>
    block(`map ${trustedPeer} ${peerVariable(site, header)}`, [`1 $http_${snake(header)}`, "default ''"]),
  );
}

/** The proxy_set_header lines of a proxying location: an empty value is not sent. */
export function clientIpHeaderLines(site: EdgeSite): string[] {
  return kClientIpHeaders.map(
    (header) => `proxy_set_header ${header} ${site.realIpFrom === undefined ? "''" : peerVariable(site, header)}`,
  );
}
