import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { reuseportReloadWarning, supportsReusePort } from '../../dist/cluster/index.js';
import { fixture, freePort, isEvent, killAll, reloadThrough, startHive, startLoad } from './helpers.js';
import { assertNoneHung, killWorkersUnderNewConnections } from './kill-under-load.js';
import { startNewConnectionLoad } from './new-connection-load.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-reuseport-'));
after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

// `--balance reuseport` gives each process its own listening socket and accept queue: what a crash or a reload costs
// its clients differs from rr's (docs/cluster.md, the reload guarantee and crashes), but no connection may hang.
const skip = supportsReusePort() ? false : `Node.js ${process.versions.node} has no reusePort (22.12+, 23.1+)`;
// Whether this machine's kernel moves the connections queued on a closing socket to another one of the port's.
const migrates = reuseportReloadWarning() === undefined;

test('--balance reuseport: kill -9 of workers under connection-per-request load, none hangs', { skip }, async () => {
  assertNoneHung(await killWorkersUnderNewConnections(['--balance', 'reuseport'], 8));
});

test('--balance reuseport: rolling reloads under load, none hangs; no failure where tcp_migrate_req is 1', {
  skip,
}, async () => {
  const versionFile = join(dir, 'version');
  writeFileSync(versionFile, 'v1');
  const port = await freePort();
  const args = [fixture('app.js'), '-i', '2', '--port', String(port), '--balance', 'reuseport'];
  const hive = startHive(args, { APP_VERSION_FILE: versionFile });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  const kept = startLoad(port, 4);
  const fresh = startNewConnectionLoad(port, 8);
  await delay(300);
  await reloadThrough(hive, versionFile, ['v2', 'v3', 'v4', 'v5']);
  const keptStats = await kept.stop();
  const freshStats = await fresh.stop();
  // Kept-alive connections were accepted before their process retired: its drain serves them to the end. A client
  // whose connection the drain closed connects anew, and without tcp_migrate_req that connect can be queued on the
  // retiring socket and reset, as a fresh client's can (seen once in CI on Node 24): only that, and only there.
  if (migrates) assert.equal(keptStats.failed, 0, keptStats.errors.join('; '));
  else for (const error of keptStats.errors) assert.match(error, /^connect ECONNRESET /, keptStats.errors.join('; '));
  assert.equal(keptStats.last?.version, 'v5');
  assert.equal(freshStats.hung, 0, `${freshStats.hung} connection(s) left unanswered`);
  assert.ok(keptStats.ok > 0 && freshStats.ok > 0);
  // Without tcp_migrate_req the kernel resets what is still queued on a retiring process's socket (a few per run).
  if (migrates) assert.equal(freshStats.failed, 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
