/**
 * The retry time limit (proxy_next_upstream_timeout) of a site, from its timeouts: what nginx-server.ts renders and
 * what options.ts holds the connect timeout below.
 */
import { parseNginxDuration } from './nginx-duration.js';

// `timeout` covers a connect timeout (the host never got the request: a retry is safe and wanted, a machine that is
// off answers nothing) and a read or send timeout (the app has the request and is slow: a retry would send it to
// every host, multiplying the load of a slow route). nginx cannot tell them apart there, but it stops retrying once
// proxy_next_upstream_timeout has passed since the first try: kept at most the read and send timeouts, a request
// that timed out reading or sending has used up the budget and is answered 504 from the one host that had it.
// 0 (nginx: no limit) becomes that cap.
export function retryBudget(timeout: string, timeouts: { read: string; send: string }): string {
  const candidates = [timeouts.read, timeouts.send, ...(durationMs(timeout) > 0 ? [timeout] : [])];
  return candidates.reduce((least, value) => (durationMs(value) < durationMs(least) ? value : least));
}

/**
 * The least retry time limit of a site's locations: the WebSocket location's (@hive_websocket), whose limit is also
 * kept at most its own idle timeout (timeouts.websocket), as a handshake that timed out reading is not retried either.
 * The connect timeout must be below it, or a handshake to a host that never answers is not retried on another.
 */
export function leastRetryBudget(timeout: string, timeouts: { read: string; send: string; websocket: string }): string {
  return retryBudget(retryBudget(timeout, timeouts), { read: timeouts.websocket, send: timeouts.websocket });
}

/** A duration as the schema leaves it (nginx's syntax, checked) in milliseconds. */
export function durationMs(value: string): number {
  return parseNginxDuration(value) ?? Number.NaN;
}
