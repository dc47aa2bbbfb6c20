/** One app's ready workers, and how many of them are marked unresponsive (a blocked event loop). */
export interface HungCount {
  /** The app, named in the verdict where one endpoint answers for several (the daemon's). */
  app?: string;
  ready: number;
  unresponsive: number;
  /**
   * The daemon's: the app's primary is marked unresponsive (it leaves the daemon's ping unanswered, see
   * daemon/primary-watch.ts). Such an app is taken to serve no one, as one whose every ready worker is unresponsive:
   * a frozen primary restarts no worker, and its workers' marks are as stale as its reports.
   */
  primaryUnresponsive?: boolean;
}

/** What a health probe makes of unresponsive workers (and primaries). */
export interface UnresponsiveHealth {
  /**
   * `ok`: none is; `degraded`: some are, yet each app still has a ready worker that serves; `unresponsive`: every
   * ready worker of some app is, or its primary is, so that app serves no one.
   */
  verdict: 'ok' | 'degraded' | 'unresponsive';
  /**
   * Each app with some, for people (`api: 1 of 2 ready workers unresponsive (event loop blocked)`, `api: primary
   * unresponsive (no answer to the daemon's ping)`); '' when ok.
   */
  detail: string;
}

/**
 * The one rule of `/healthz` and `/readyz`, the primary's and the daemon's, about unresponsive workers: a worker whose
 * loop is blocked still counts as ready to node (and to the process table), yet serves no one; with every ready worker
 * of an app so, the app does not serve, and with some, it serves but the probe says so. An app whose primary is
 * unresponsive (the daemon's) does not serve either.
 */
export function unresponsiveHealth(counts: readonly HungCount[]): UnresponsiveHealth {
  const some = counts.filter((c) => c.unresponsive > 0 || c.primaryUnresponsive === true);
  const detail = some
    .map((c) => {
      const parts = [
        ...(c.primaryUnresponsive === true ? ["primary unresponsive (no answer to the daemon's ping)"] : []),
        ...(c.unresponsive > 0
          ? [`${c.unresponsive} of ${c.ready} ready workers unresponsive (event loop blocked)`]
          : []),
      ].join(', ');
      return c.app === undefined ? parts : `${c.app}: ${parts}`;
    })
    .join('; ');
  if (some.length === 0) return { verdict: 'ok', detail };
  const serves = (c: HungCount) => c.primaryUnresponsive !== true && c.unresponsive < c.ready;
  return { verdict: some.every(serves) ? 'degraded' : 'unresponsive', detail };
}
