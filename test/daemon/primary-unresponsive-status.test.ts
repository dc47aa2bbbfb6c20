import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pm2Process } from '../../dist/cli/pm2-process-list.js';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import { appFixture, type Described, daemonFixture, isAlive, pidOf, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// The app as `ls --json` lists it now.
async function listed(name: string): Promise<Described> {
  return (await hive.json<Described[]>(['ls'])).find((app) => app.name === name)!;
}

// The app's hive_up on the daemon's metrics endpoint.
async function hiveUp(url: string, name: string): Promise<number | undefined> {
  const { samples } = parsePrometheusText(await (await fetch(url)).text());
  return samples.find((s) => s.name === 'hive_up' && s.labels.app === name)?.value;
}

// A probe of the daemon's endpoint (`/healthz`, `/readyz`), its status and body.
async function probe(metricsUrl: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(metricsUrl.replace(/\/metrics$/, path));
  return { status: response.status, body: await response.text() };
}

// The app as `hive monit --json` shows it now.
async function live(name: string): Promise<HiveSnapshot['apps'][number]> {
  return (await hive.json<HiveSnapshot>(['monit'])).apps.find((a) => a.name === name)!;
}

// Lines of daemon.log that mark or clear `pid` as an unresponsive primary, in order.
function markLines(name: string, pid: number): string[] {
  const mark = new RegExp(`^.*${name}: primary pid ${pid} (unresponsive: no answer|responsive again).*$`, 'gm');
  return [...hive.readLog('../daemon.log').matchAll(mark)].map((m) => m[1]!);
}

for (const { mode, name, start } of [
  { mode: 'cluster', name: 'web', start: [appFixture, '-i', '1'] },
  { mode: 'fork', name: 'tick', start: [daemonFixture('ticker.sh')] },
]) {
  test(`a ${mode}-mode app whose primary is frozen is listed online (primary unresponsive) until it answers again`, async () => {
    // The daemon (started by the first of them) serves its metrics endpoint.
    await hive.json(['start', ...start, '--name', name], { env: { HIVE_DAEMON_METRICS_PORT: '0' } });
    const { daemonMetrics } = await hive.json<{ daemonMetrics: string | null }>(['version']);
    const app = await listed(name);
    assert.equal(app.mode, mode);
    assert.equal(app.primaryUnresponsive, false);
    const primary = pidOf(app, 'primary');
    assert.deepEqual(await probe(daemonMetrics!, '/readyz'), { status: 200, body: 'ready\n' });
    // A cluster app's primary gives the live views their snapshot: the last one stands in once it is marked.
    const before = await live(name);
    assert.equal(before.asOf, undefined, 'a snapshot the primary gave now');
    const gaveAt = Date.now();
    process.kill(primary, 'SIGSTOP');
    try {
      const marked = await waitFor(
        async () => {
          const now = await listed(name);
          return now.primaryUnresponsive ? now : undefined;
        },
        'ls --json to mark the primary unresponsive',
        60_000,
      );
      assert.equal(marked.status, 'online', 'the status stays a state');
      assert.equal(marked.processes.find((p) => p.role === 'primary')?.unresponsive, true);

      const ls = await hive.run(['ls']);
      assert.match(ls.stdout, /online \(primary unresponsive\)/);
      const described = await hive.run(['describe', name]);
      assert.match(described.stdout, /^status\s+online \(primary unresponsive\)$/m);
      assert.match(described.stdout, /^primary\s+\d+\s+online \(unresponsive\)/m);
      assert.equal((await hive.json<Described>(['describe', name])).primaryUnresponsive, true);
      const jlist = JSON.parse((await hive.run(['jlist'])).stdout) as Pm2Process[];
      const row = jlist.find((p) => p.name === name)!;
      assert.deepEqual([row.pm2_env.status, row.pm2_env.primary_unresponsive], ['online', true]);
      const shown = await live(name);
      assert.equal(shown.primaryUnresponsive, true, 'the live views say so');
      assert.ok(shown.events.some((e) => e.type === 'unresponsive' && e.unresponsive === true && e.instance === null));
      // Not asked (the views would wait a second for it per poll): its last snapshot, with its time; a fork-mode
      // primary gives none, the daemon's view stands in.
      if (mode === 'cluster') {
        assert.equal(typeof shown.asOf, 'number', 'the last snapshot the primary gave, flagged with its time');
        assert.ok(shown.asOf! <= gaveAt, `given before it froze: ${shown.asOf} > ${gaveAt}`);
        assert.deepEqual(
          shown.instances.map((i) => i.pid),
          before.instances.map((i) => i.pid),
        );
      } else assert.equal(shown.asOf, undefined);
      assert.equal(await hiveUp(daemonMetrics!, name), 0, "hive_up 0 on the daemon's endpoint");
      // The app serves no one as far as the daemon can tell (its primary restarts nothing): not ready, as an app whose
      // every ready worker is unresponsive; the daemon itself is alive.
      const why = `${name}: primary unresponsive (no answer to the daemon's ping)`;
      assert.deepEqual(await probe(daemonMetrics!, '/readyz'), { status: 503, body: `unresponsive: ${why}\n` });
      assert.deepEqual(await probe(daemonMetrics!, '/healthz'), { status: 200, body: `degraded: ${why}\n` });
    } finally {
      if (isAlive(primary)) process.kill(primary, 'SIGCONT');
    }

    await waitFor(async () => (await listed(name)).primaryUnresponsive === false, 'the mark to clear', 60_000);
    const ls = await hive.run(['ls']);
    assert.doesNotMatch(ls.stdout, /primary unresponsive/);
    assert.deepEqual(markLines(name, primary), ['unresponsive: no answer', 'responsive again']);
    await waitFor(async () => (await hiveUp(daemonMetrics!, name)) === 1, 'hive_up 1 again');
    assert.deepEqual(await probe(daemonMetrics!, '/readyz'), { status: 200, body: 'ready\n' });
    assert.deepEqual(await probe(daemonMetrics!, '/healthz'), { status: 200, body: 'ok\n' });
    assert.equal((await live(name)).asOf, undefined, 'asked again');
    assert.equal((await listed(name)).processes.find((p) => p.role === 'primary')?.pid, primary, 'not restarted');
    await hive.json(['delete', name]);
  });
}
