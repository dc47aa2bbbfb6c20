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
  return [queryToken(url.search), bearer].some(
    (given) => typeof given === 'string' && given !== '' && timingSafeEqual(digest(given), expected),
  );
}

/**
 * The first `token=` of a raw query, percent-decoded only: a `+` stays a `+`. URLSearchParams reads `+` as a space
 * (form encoding), which refused a base64 token opened as the docs say (`/?token=ab+cd/ef==`); a token sent
 * percent-encoded (`ab%2Bcd%2Fef%3D%3D`, as the page passes it on) reads the same. Undefined for none, or for a value
 * that is no valid percent-encoding.
 */
function queryToken(search: string): string | undefined {
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part.startsWith('token=')) continue;
    try {
      return decodeURIComponent(part.slice('token='.length));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
