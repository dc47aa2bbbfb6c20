import http from 'node:http';

/** What the clients of {@link startNewConnectionLoad} saw. */
export interface NewConnectionOutcome {
  ok: number;
  failed: number;
  /** Requests still without an answer or an error {@link HUNG_AFTER_STOP_MS} after `stop()`: connections nobody served. */
  hung: number;
  /** The failed requests by error code (`ECONNREFUSED`, `ECONNRESET`...; `HTTP <status>` for an answer not 200). */
  errors: Record<string, number>;
}

/**
 * How long `stop()` waits for the requests in flight: far past any answer on loopback once the test's reloads are
 * over. The bound runs from the stop, not from each request's start: a process whose loop a test stalls (a /grow on a
 * starved machine: 15-18 s seen) answers late, and a late answer is no drop.
 */
const HUNG_AFTER_STOP_MS = 15_000;

/**
 * `concurrency` loops of GETs on 127.0.0.1:`port`, each on a new connection (so each one is a handoff the primary's
 * balancer makes), until stopped. A request has no limit of its own; `stop()` ends the loops, waits for the requests in
 * flight, and counts as `hung` (and destroys) those still unanswered {@link HUNG_AFTER_STOP_MS} later, so that a
 * connection nobody serves shows as `hung`, not as a test timeout. `headers`, called per request, gives its headers.
 */
export function startNewConnectionLoad(
  port: number,
  concurrency = 16,
  headers: () => http.OutgoingHttpHeaders = () => ({}),
) {
  const outcome: NewConnectionOutcome = { ok: 0, failed: 0, hung: 0, errors: {} };
  let running = true;
  /** The requests in flight, each with what gives it up as hung. */
  const pending = new Set<() => void>();
  const request = () =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (count: 'ok' | 'failed' | 'hung', error?: string) => {
        if (settled) return;
        settled = true;
        pending.delete(giveUp);
        outcome[count]++;
        if (error !== undefined) outcome.errors[error] = (outcome.errors[error] ?? 0) + 1;
        resolve();
      };
      const fail = (error: NodeJS.ErrnoException) => settle('failed', error.code ?? error.message);
      const req = http.get({ host: '127.0.0.1', port, agent: false, headers: headers() }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? settle('ok') : settle('failed', `HTTP ${res.statusCode}`)));
        res.on('error', fail);
      });
      const giveUp = () => {
        settle('hung');
        req.destroy();
      };
      pending.add(giveUp);
      req.on('error', fail);
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) await request();
  });
  return {
    outcome,
    async stop(): Promise<NewConnectionOutcome> {
      running = false;
      const deadline = setTimeout(() => {
        for (const giveUp of [...pending]) giveUp();
      }, HUNG_AFTER_STOP_MS);
      await Promise.all(loops);
      clearTimeout(deadline);
      return outcome;
    },
  };
}
