// `hive start <config>` whose daemon died between two apps' starts exited 0, with no table: the next app's request went
// out on the closed connection, where nothing would ever answer it (a start has no timeout), and node, out of work,
// exited 0 before the command's `failed ? 1 : 0`.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import { freePort } from '../cluster/helpers.js';
import { appFixture, tempHome, waitFor } from './helpers.js';
import { homeProcesses } from './home-processes.js';

const hive = tempHome();
// A regression never settles: node's test runner fails the test once nothing is left to run, or this bound does.
const bounded = { timeout: 60_000 };

test(
  'a request on a connection the daemon has closed rejects at once, as the requests in flight did',
  bounded,
  async () => {
    const home = join(hive.dir, 'fake');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const paths = hivePaths({ HIVE_HOME: home });
    // A daemon that hangs up on its first request: the one in flight is told so by the close.
    const server = createServer((socket) => socket.once('data', () => socket.destroy()));
    server.listen(paths.socket);
    await once(server, 'listening');
    try {
      const client = (await DaemonClient.connect({ start: false, paths }))!;
      // Nothing else keeps this process busy: a request that never settles fails the test at once, not at its bound.
      server.close();
      const code = (error: unknown) => (error as { code?: string }).code;
      const first = await client.request('start', { app: {} }).catch(code);
      assert.equal(first, 'ERR_HIVE_DAEMON_UNREACHABLE');
      assert.ok(client.closed);
      // Sent after that close: it waited for ever (start has no timeout), and `ls` for its own 5 s.
      for (const cmd of ['start', 'ls']) {
        assert.equal(await client.request(cmd).catch(code), 'ERR_HIVE_DAEMON_UNREACHABLE', cmd);
      }
    } finally {
      server.close();
    }
  },
);

test(
  'hive start <config> whose daemon is killed while an app starts exits 1, naming the apps not started',
  bounded,
  async () => {
    const [slowPort, nextPort, lastPort] = [await freePort(), await freePort(), await freePort()];
    const config = hive.writeConfig(
      [
        // Never ready (the fixture sends no ready): its start waits until the daemon is killed.
        { name: 'slow', script: appFixture, instances: 1, port: slowPort, wait_ready: true, listen_timeout: 600_000 },
        { name: 'next', script: appFixture, instances: 1, port: nextPort },
        { name: 'last', script: appFixture, instances: 1, port: lastPort },
      ],
      'three.config.json',
    );
    const started = hive.run(['start', config]);
    await waitFor(() => /\[slow:0\] listening/.test(hive.readLog('slow-out.log')), 'the worker to listen');
    const daemon = (await hive.daemonPid())!;
    for (const pid of homeProcesses(hive.home)) hive.pids.add(pid);
    process.kill(daemon, 'SIGKILL');
    const result = await started;
    assert.equal(result.code, 1, `exit code; stdout: ${result.stdout}; stderr: ${result.stderr}`);
    assert.match(result.stderr, /^hive start: ERR_HIVE_DAEMON_UNREACHABLE: the daemon closed the connection$/m);
    assert.match(
      result.stderr,
      /^hive start: ERR_HIVE_DAEMON_UNREACHABLE: not started, the daemon being gone: next, last$/m,
    );
    for (const pid of homeProcesses(hive.home)) process.kill(pid, 'SIGKILL');
  },
);
