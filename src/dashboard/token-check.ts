import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Whether a request carries the dashboard's token, as `?token=` (what a browser's EventSource can send) or as
 * `Authorization: Bearer <token>` (scripts). Compared in constant time over digests, so neither the token's bytes
 * nor its length leak through timing.
 */
export function hasToken(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const given = url.searchParams.get('token') ?? bearer;
  if (given === undefined || given === null) return false;
  return timingSafeEqual(digest(given), digest(token));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
