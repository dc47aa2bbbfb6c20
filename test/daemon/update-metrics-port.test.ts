// `HIVE_DAEMON_METRICS_PORT=<taken port> hive update` stopped the daemon and its apps, and only then found that its
// successor could not bind the port: the apps were left down, saved in dump.json with nothing saying so.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { freePort } from '../ports.js';
import { daemonFixture, isAlive, tempHome, waitFor } from './helpers.js';

type App = { name: string; status: string; processes: { pid: number }[] };

async function hold(port: number, host: string): Promise<Server> {
  const holder = createServer();
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen(port, host, resolve);
  });
  return holder;
}

const appState = (apps: App[]) => apps.map((app) => [app.name, app.status, app.processes.map((p) => p.pid)]);

test('a taken HIVE_DAEMON_METRICS_PORT is refused before anything is stopped', async () => {
  const hive = tempHome();
  const started = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  const port = await freePort();
  const holder = await hold(port, '127.0.0.1');
  try {
    const update = await hive.run(['update'], { env: { HIVE_DAEMON_METRICS_PORT: String(port) } });
    assert.equal(update.code, 1, update.stdout);
    assert.match(
      update.stderr,
      new RegExp(
        `^hive update: ERR_HIVE_METRICS_PORT_IN_USE: The metrics port 127\\.0\\.0\\.1:${port} .*the daemon \\(pid ${daemon}\\) and its apps are left running.*HIVE_DAEMON_METRICS_PORT`,
      ),
    );
    assert.doesNotMatch(update.stderr, /--metrics-port/);
  } finally {
    holder.close();
  }
  assert.ok(isAlive(daemon), 'the daemon still runs');
  assert.equal(await hive.daemonPid(), daemon);
  assert.deepEqual(appState(await hive.json<App[]>(['ls'])), appState(started));

  // Once the port is free, the same update takes it: the test bind let it go.
  const update = await hive.run(['update'], {
    env: { HIVE_DAEMON_METRICS_PORT: String(port), HIVE_LOG_MAX_SIZE: '10M' },
  });
  assert.equal(update.code, 0, update.stderr);
  type Version = { daemonPid: number; daemonMetrics: string; daemonSettings: Record<string, string> };
  const version = await hive.json<Version>(['version']);
  assert.notEqual(version.daemonPid, daemon);
  hive.pids.add(version.daemonPid);
  assert.equal(version.daemonMetrics, `http://127.0.0.1:${port}/metrics`);
  const apps = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    apps.map((app) => [app.name, app.status]),
    [['tick', 'online']],
  );

  // Updated from a shell without them (a daemon of `hive startup`'s unit, updated interactively): the new daemon keeps
  // the old one's settings, but for the one this shell sets.
  const again = await hive.run(['update'], { env: { HIVE_LOG_MAX_SIZE: '1M' } });
  assert.equal(again.code, 0, again.stderr);
  const after = await hive.json<Version>(['version']);
  hive.pids.add(after.daemonPid);
  assert.equal(after.daemonMetrics, `http://127.0.0.1:${port}/metrics`);
  assert.deepEqual(after.daemonSettings, { HIVE_LOG_MAX_SIZE: '1M', HIVE_DAEMON_METRICS_PORT: String(port) });
  assert.match(
    again.stderr,
    new RegExp(
      `^hive update: daemon settings: HIVE_LOG_MAX_SIZE: 10M -> 1M \\(this shell's\\); HIVE_DAEMON_METRICS_PORT=${port} \\(kept\\)$`,
      'm',
    ),
  );
});

test('a new daemon that still cannot bind once the old one is gone says the apps are saved for `hive resurrect`', async () => {
  const hive = tempHome();
  const port = await freePort();
  // The old daemon on 127.0.0.1:<port>, another process on 127.0.0.2:<port>: the update asks for 0.0.0.0:<port>,
  // which only the old daemon's exit could free as far as a test bind can tell, so it goes ahead and then fails.
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick'], {
    env: { HIVE_DAEMON_METRICS_PORT: String(port) },
  });
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  const holder = await hold(port, '127.0.0.2');
  try {
    const update = await hive.run(['update'], {
      env: { HIVE_DAEMON_METRICS_PORT: String(port), HIVE_DAEMON_METRICS_HOST: '0.0.0.0' },
    });
    assert.equal(update.code, 1, update.stdout);
    // Said as the new daemon starts: the setting this shell adds to the old daemon's.
    assert.match(
      update.stderr,
      /^hive update: daemon settings: HIVE_DAEMON_METRICS_HOST: default -> 0\.0\.0\.0 \(this shell's\)$/m,
    );
    assert.match(
      update.stderr,
      new RegExp(
        `^hive update: ERR_HIVE_METRICS_PORT_IN_USE: The metrics port 0\\.0\\.0\\.0:${port} .*; the daemon \\(pid ${daemon}\\) and its apps are stopped, and the apps are saved in .*dump\\.json: \`hive resurrect\` brings them back`,
        'm',
      ),
    );
  } finally {
    holder.close();
  }
  await waitFor(() => !isAlive(daemon), 'the old daemon to exit');
  const apps = await hive.json<App[]>(['resurrect']);
  assert.deepEqual(
    apps.map((app) => [app.name, app.status]),
    [['tick', 'online']],
  );
});
