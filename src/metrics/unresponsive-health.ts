/** One app's ready workers, and how many of them are marked unresponsive (a blocked event loop). */
export interface HungCount {
  /** The app, named in the verdict where one endpoint answers for several (the daemon's). */
  app?: string;
  ready: number;
  unresponsive: number;
}

/** What a health probe makes of unresponsive workers. */
export interface UnresponsiveHealth {
  /**
   * `ok`: none is; `degraded`: some are, yet each app still has a ready worker that serves; `unresponsive`: every
   * ready worker of some app is, so that app serves no one.
   */
  verdict: 'ok' | 'degraded' | 'unresponsive';
  /** Each app with some, for people (`api: 1 of 2 ready workers unresponsive (event loop blocked)`); '' when ok. */
  detail: string;
}

/**
 * The one rule of `/healthz` and `/readyz`, the primary's and the daemon's, about unresponsive workers: a worker whose
 * loop is blocked still counts as ready to node (and to the process table), yet serves no one; with every ready worker
 * of an app so, the app does not serve, and with some, it serves but the probe says so.
 */
export function unresponsiveHealth(counts: readonly HungCount[]): UnresponsiveHealth {
  const some = counts.filter((c) => c.unresponsive > 0);
  const detail = some
    .map((c) => {
      const count = `${c.unresponsive} of ${c.ready} ready workers unresponsive (event loop blocked)`;
      return c.app === undefined ? count : `${c.app}: ${count}`;
    })
    .join('; ');
  if (some.length === 0) return { verdict: 'ok', detail };
  return { verdict: some.some((c) => c.unresponsive >= c.ready) ? 'unresponsive' : 'degraded', detail };
}
