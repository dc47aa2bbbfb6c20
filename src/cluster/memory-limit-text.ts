/**
 * A process over its memory limit, in one line for people: `worker 0 (pid 4242) used 127 MiB, over its 120 MiB
 * limit`. Both sizes in MiB (binary, as the limit's `M` is: parseSize reads `120M` as 120 MiB), with as many decimals
 * as it takes for the two to differ (an RSS just over the limit would otherwise read as equal to it). `when` says
 * when it was measured, after the size.
 */
export function memoryLimitText(
  event: { instance: number; pid?: number; rss: number; limit: number },
  when?: string,
): string {
  const { instance, pid, rss, limit } = event;
  let digits = 0;
  while (digits < 3 && mib(rss, digits) === mib(limit, digits)) digits++;
  const who = pid === undefined ? `worker ${instance}` : `worker ${instance} (pid ${pid})`;
  return `${who} used ${mib(rss, digits)}${when ? ` ${when}` : ''}, over its ${mib(limit, digits)} limit`;
}

function mib(bytes: number, digits: number): string {
  return `${(bytes / 2 ** 20).toFixed(digits)} MiB`;
}

/**
 * A process over its limit from its start (its first check after it became ready): the limit is below what the app
 * needs, and its replacements now wait `delay` ms as crash restarts do. Cluster and fork mode say it alike.
 */
export function memoryBelowNeedText(
  event: { instance: number; pid?: number; rss: number; limit: number },
  delay: number,
): string {
  const used = memoryLimitText(event, 'at its first check after it became ready');
  return (
    `${used}: max_memory_restart is below what the app needs; its replacements now wait as crash restarts do ` +
    `(the next in ${delay} ms)`
  );
}
