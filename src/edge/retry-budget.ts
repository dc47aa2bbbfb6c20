/**
 * The retry time limit (proxy_next_upstream_timeout) of a site, from its timeouts: what nginx-server.ts renders and
 * what options.ts holds the connect timeout below.
 */

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

const kDurationUnits: Record<string, number> = { ms: 1, '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An nginx duration (`10s`, `500ms`, `1h`, a bare number of seconds) in milliseconds. */
export function durationMs(value: string): number {
  const [, digits = '0', unit = ''] = /^(\d+)([a-z]*)$/.exec(value) ?? [];
  return Number(digits) * (kDurationUnits[unit] ?? 1000);
}
