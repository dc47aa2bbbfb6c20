import http from 'node:http';

/** What the clients of {@link startNewConnectionLoad} saw. */
export interface NewConnectionOutcome {
  ok: number;
  failed: number;
  /** Requests left without an answer or an error for 15 s: connections nobody served. */
  hung: number;
}

/**
 * `concurrency` loops of GETs on 127.0.0.1:`port`, each on a new connection (so each one is a handoff the primary's
 * balancer makes), until stopped. Each request is bounded far past any answer on loopback (15 s), so a connection
 * nobody serves shows as `hung`, not as a test timeout.
 */
export function startNewConnectionLoad(port: number, concurrency = 16) {
  const outcome: NewConnectionOutcome = { ok: 0, failed: 0, hung: 0 };
  let running = true;
  const request = () =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (count: keyof NewConnectionOutcome) => {
        if (settled) return;
        settled = true;
        outcome[count]++;
        resolve();
      };
      const req = http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode === 200 ? 'ok' : 'failed'));
        res.on('error', () => settle('failed'));
      });
      req.setTimeout(15_000, () => {
        settle('hung');
        req.destroy();
      });
      req.on('error', () => settle('failed'));
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
