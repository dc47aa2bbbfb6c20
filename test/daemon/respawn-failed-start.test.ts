// A primary that dies is respawned, up to 10 crashes in a row; but a respawned primary whose start failed (its app
// exits at start: the database it needs went down with it) left the app errored at once, after one respawn.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { freePort } from '../cluster/helpers.js';
import { isAlive, startNeedsDb, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('a respawned primary that fails its start is one more crash in a row, respawned again, not errored', async () => {
  const { dir, primary } = await startNeedsDb(hive);
  // The next two starts fail.
  writeFileSync(join(dir, 'fails'), '2');
  process.kill(primary, 'SIGKILL');
  await waitFor(() => !isAlive(primary), 'the primary to be gone');

  const online = await waitFor(async () => {
    const [now] = await hive.json<App[]>(['ls']);
    assert.notEqual(now!.status, 'errored', now!.lastError ?? '');
    return now!.status === 'online' && now!.processes.every((p) => p.pid !== primary) ? now : undefined;
  }, 'the app to be online again');
  // The crash, then the two respawns whose start failed.
  assert.equal(online.restarts, 3);
  assert.equal(readFileSync(join(dir, 'fails'), 'utf8'), '0');
  assert.match(online.lastError ?? '', /DB not reachable yet$/);
});

// A stop that ends a respawned primary while it starts is what the user asked for; daemon.log said `respawn failed:
// app "gated": did not start: exited with code 0` as if the respawn had gone wrong.
test('a stop while a respawned primary starts is no failed respawn', async () => {
  const gate = join(hive.dir, 'gate');
  writeFileSync(gate, '');
  const app = join(hive.dir, 'gated.mjs');
  writeFileSync(
    app,
    `import { existsSync } from 'node:fs';
import http from 'node:http';
const listen = () => http.createServer((_q, r) => r.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
const timer = setInterval(() => {
  if (!existsSync(${JSON.stringify(gate)})) return;
  clearInterval(timer);
  listen();
}, 20);
`,
  );
  const port = await freePort();
  const [started] = await hive.json<App[]>(['start', app, '--name', 'gated', '-i', '1', '--port', String(port)]);
  const primary = started!.processes.find((p) => p.role === 'primary')!.pid;
  // The respawned primary's worker waits for the gate: it is still starting when the stop comes.
  rmSync(gate);
  process.kill(primary, 'SIGKILL');
  const log = () => readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  const respawned = await waitFor(
    () => log().match(new RegExp(`gated: primary pid (?!${primary}\\b)(\\d+) started`))?.[1],
    'the respawned primary',
  );
  const [stopped] = await hive.json<App[]>(['stop', 'gated']);
  assert.equal(stopped!.status, 'stopped');
  assert.equal(isAlive(Number(respawned)), false);
  assert.match(log(), new RegExp(`gated: primary pid ${respawned} exited`));
  assert.doesNotMatch(log(), /gated: respawn failed/);
});
