/**
 * The rate limit's answer to a client over it: the status, and a Retry-After saying when its next request can pass.
 */
import { block, type NginxNode } from './nginx-writer.js';
import type { EdgeSite } from './options.js';

/** The named location the limited requests are answered from (one per server block, so one name serves all). */
export const kRateLimitedLocation = '@hive_rate_limited';

// RFC 9110 (10.2.3) gives Retry-After a meaning on 503 and 3xx, RFC 6585 (4) on 429. Another status (such as a 500
// or 502, which nginx also sends for an upstream that failed) is left as nginx answers it: an error_page for it would
// send the upstream's failures through the rate limit's location too.
const kRetryAfterStatuses = new Set([429, 503]);

type RateLimit = Exclude<EdgeSite['rateLimit'], false>;

/**
 * Whole seconds a limited client should wait: `retryAfter` when given, else the time the bucket takes to let one more
 * request through (one request per 1/rate), rounded up to a second (Retry-After has no fractions).
 */
export function retryAfterSeconds(rateLimit: RateLimit): number {
  if (rateLimit.retryAfter !== undefined) return rateLimit.retryAfter;
  const [, count = '1', per = 's'] = /^(\d+)r\/(s|m)$/.exec(rateLimit.rate) ?? [];
  return Math.max(1, Math.ceil((per === 'm' ? 60 : 1) / Number(count)));
}

/** The directives of the proxied location that send a limited request to {@link rateLimitedLocation}. */
export function rateLimitErrorPage(site: EdgeSite): string[] {
  const { rateLimit } = site;
  if (rateLimit === false || !kRetryAfterStatuses.has(rateLimit.status)) return [];
  return [`error_page ${rateLimit.status} = ${kRateLimitedLocation}`];
}

/**
 * The named location answering a limited request. `headers` are the server's own add_header lines: a location with an
 * add_header of its own inherits none of them, so they are repeated here.
 */
export function rateLimitedLocation(site: EdgeSite, headers: readonly string[]): NginxNode | false {
  const { rateLimit } = site;
  if (rateLimit === false || !kRetryAfterStatuses.has(rateLimit.status)) return false;
  return block(`location ${kRateLimitedLocation}`, [
    ...headers,
    `add_header Retry-After ${retryAfterSeconds(rateLimit)} always`,
    `return ${rateLimit.status}`,
  ]);
}
