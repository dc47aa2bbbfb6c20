import type { IncomingMessage } from 'node:http';

// Shared by the dashboard and the metrics endpoints, so that both refuse a page of another site by one rule.

/**
 * Whether a browser sent `req` for a page of another origin: `Sec-Fetch-Site: cross-site` or `same-site` (any browser
 * since 2023), or an `Origin` whose host is not the request's `Host` (older ones; a page's own GETs carry no Origin).
 * Such a page cannot read the answer (neither server sends a CORS header), but without this check its `<script src>`,
 * `<img>` or `EventSource` pointed at the dashboard is served all the same: a stream held open, a snapshot read every
 * second, and under the daemon every app told to sample requests while it lasts; pointed at `/metrics`, a full scrape
 * of every process. A script (curl, a monitor, Prometheus) sends neither header; a page opened from the address bar
 * or a bookmark says `none`.
 */
export function isCrossSiteRequest(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== (req.headers.host ?? '').toLowerCase();
  } catch {
    // `Origin: null` (a sandboxed frame, a file:// page) names no host of ours.
    return true;
  }
}
