import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Whether a request carries the dashboard's token, as `?token=` (what a browser's EventSource can send) or as
 * `Authorization: Bearer <token>` (scripts). Compared in constant time over digests, so neither the token's bytes
 * nor its length leak through timing.
 */
export function hasToken(req: IncomingMessage, url: URL, token: string): boolean {
  // The scheme is case-insensitive (RFC 9110 11.1): `bearer` is `Bearer`.
  const bearer = /^bearer +(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const expected = digest(token);
  // Either way in passes: an empty or stale `?token=` left on a URL must not hide a good header.
  return [url.searchParams.get('token'), bearer].some(
    (given) => typeof given === 'string' && given !== '' && timingSafeEqual(digest(given), expected),
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
