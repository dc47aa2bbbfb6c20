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

/** Below this many characters a dashboard token is said to be short (16: `openssl rand -hex 8` is as short as it gets). */
export const SHORT_TOKEN_LENGTH = 16;

/**
 * The warning for a token that a guesser could find, for `hive dashboard` and `hive run --dashboard` alike; undefined
 * for none or a long enough one. Only a warning: the token guards a dashboard bound off loopback and wrong guesses are
 * not slowed, but the tokens users already have must keep working.
 */
export function shortTokenWarning(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const length = [...token].length;
  if (length >= SHORT_TOKEN_LENGTH) return undefined;
  return `the dashboard token is ${length} character${length === 1 ? '' : 's'} long, short enough to be guessed (wrong guesses are not slowed): use ${SHORT_TOKEN_LENGTH} or more, such as the output of \`openssl rand -hex 16\``;
}
