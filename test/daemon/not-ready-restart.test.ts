// A crash restart that never becomes ready is SIGKILLed by the primary and counted as one more crash. Once the slot is
// errored, what it says is that: its process did not become ready (and why), with the app's last stderr line; not
// "last exit SIGKILL", a signal the app never got from anyone but Hive.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { daemonFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
// The stuck runs must boot and print their line before the primary kills them: CI's loaded two cores once took over a
// second to start one (killed with nothing printed), so the wait is long enough for that, and no longer.
const LISTEN_TIMEOUT = 2500;

for (const mode of ['cluster', 'fork'] as const) {
  test(`${mode} mode: a slot whose restarts never became ready is errored as not ready, not as a SIGKILL`, async () => {
    const name = `stuck-${mode}`;
    const state = join(hive.dir, name);
    mkdirSync(state);
    const file = hive.writeConfig(
      [
        {
          name,
          script: daemonFixture('ready-once.cjs'),
          args: [state],
          exec_mode: mode,
          instances: 1,
          // Fork mode has no listen to wait for: PM2's wait_ready is its ready signal.
          ...(mode === 'fork' ? { wait_ready: true } : {}),
          listen_timeout: LISTEN_TIMEOUT,
          max_restarts: 2,
          restart_delay: 100,
        },
      ],
      `${name}.config.json`,
    );
    const started = await hive.run(['start', file]);
    assert.equal(started.code, 0, started.stderr);
    const app = await waitFor(async () => {
      const described = await hive.json<App>(['describe', name]);
      return described.status === 'errored' ? described : undefined;
    }, `${name} errored`);
    const awaited =
      mode === 'cluster' ? 'did not listen' : "did not send process\\.send\\('ready'\\) \\(or call ready\\(\\)\\)";
    assert.match(
      app.lastError ?? '',
      new RegExp(
        `^worker 0 did not become ready: ${awaited} within ${LISTEN_TIMEOUT} ms.*; its last stderr line: stuck waiting for the database$`,
      ),
    );
    const [slot] = app.idleSlots;
    assert.equal(slot?.state, 'errored');
    assert.equal(slot?.lastExit?.signal, 'SIGKILL');
    assert.match(slot?.lastExit?.notReady ?? '', new RegExp(`^${awaited} within ${LISTEN_TIMEOUT} ms`));

    const text = await hive.run(['describe', name]);
    assert.match(text.stdout, /worker 0 +- +errored \(killed: it did not become ready\)/);
    const log = readOrEmpty(join(hive.home, 'daemon.log'));
    assert.match(
      log,
      new RegExp(
        `${name}: worker 0 \\(pid \\d+\\) exited with signal SIGKILL \\(killed: it did not become ready; counted as a crash\\)`,
      ),
    );
    assert.doesNotMatch(log, new RegExp(`${name}: worker 0 crash-looped`));
  });
}
