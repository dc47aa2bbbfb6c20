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
  const who = `worker ${event.instance} (pid ${event.pid})`;
  const silent = `${(event.silentMs / 1000).toFixed(1)} s`;
  return event.unresponsive
    ? `${who} unresponsive: no report for ${silent}, its event loop looks blocked (not restarted)`
    : `${who} responsive again after ${silent}`;
}
