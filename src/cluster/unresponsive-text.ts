/**
 * A worker marked unresponsive, or cleared, in one line for people: `worker 1 (pid 4242) unresponsive: no report for
 * 3.1 s, its event loop looks blocked (not restarted)`, `worker 1 (pid 4242) responsive again after 7.4 s`.
 */
export function unresponsiveText(event: {
  instance: number;
  pid: number;
  unresponsive: boolean;
  silentMs: number;
}): string {
  return markText(`worker ${event.instance} (pid ${event.pid})`, event.unresponsive, event.silentMs, 'no report');
}

/**
 * The same line for any process (the daemon's for an app's primary): `who`, and what it has been silent in (`no
 * report`, `no answer`).
 */
export function markText(who: string, unresponsive: boolean, silentMs: number, silence: string): string {
  const silent = `${(silentMs / 1000).toFixed(1)} s`;
  return unresponsive
    ? `${who} unresponsive: ${silence} for ${silent}, its event loop looks blocked (not restarted)`
    : `${who} responsive again after ${silent}`;
}
