import http from 'node:http';

/** What the clients of {@link startNewConnectionLoad} saw. */
export interface NewConnectionOutcome {
  ok: number;
  failed: number;
  /** Requests left without an answer or an error for 15 s: connections nobody served. */
  hung: number;
  /** The failed requests by error code (`ECONNREFUSED`, `ECONNRESET`...; `HTTP <status>` for an answer not 200). */
  errors: Record<string, number>;
}

/**
 * `concurrency` loops of GETs on 127.0.0.1:`port`, each on a new connection (so each one is a handoff the primary's
 * balancer makes), until stopped. Each request is bounded far past any answer on loopback (15 s), so a connection
 * nobody serves shows as `hung`, not as a test timeout.
 */
export function startNewConnectionLoad(port: number, concurrency = 16) {
  const outcome: NewConnectionOutcome = { ok: 0, failed: 0, hung: 0, errors: {} };
  let running = true;
  const request = () =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (count: 'ok' | 'failed' | 'hung', error?: string) => {
        if (settled) return;
        settled = true;
        outcome[count]++;
        if (error !== undefined) outcome.errors[error] = (outcome.errors[error] ?? 0) + 1;
        resolve();
      };
      const fail = (error: NodeJS.ErrnoException) => settle('failed', error.code ?? error.message);
      const req = http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? settle('ok') : settle('failed', `HTTP ${res.statusCode}`)));
        res.on('error', fail);
      });
      req.setTimeout(15_000, () => {
        settle('hung');
        req.destroy();
      });
      req.on('error', fail);
    });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) await request();
  });
  return {
    outcome,
    async stop(): Promise<NewConnectionOutcome> {
      running = false;
      await Promise.all(loops);
      return outcome;
    },
  };
}
